// The dialog's "what does this server serve?" question, asked of the chosen target before the
// model list is shown: LiteLLM's /v1/model/info (falling back to /v1/models), or /v1/models
// of a plain OpenAI-compatible server. The built-in simulator is never asked: it only runs
// during the run, and its models come from the config.

import { discoverLitellmModels } from '../../discovery/litellm-api.js'
import { mergeModels } from '../../discovery/merge-models.js'
import { listOpenAiModels } from '../../discovery/openai-models.js'
import type { Model, Target } from '../../types.js'
import type { DiscoverModels } from './dialog.js'

/** Short: the user is waiting at a prompt, and the configured list works without it. */
const DISCOVERY_TIMEOUT_MS = 5000

export function createDialogDiscovery(
  env: Record<string, string | undefined>,
  timeoutMs = DISCOVERY_TIMEOUT_MS,
): DiscoverModels {
  return async (target: Target): Promise<Model[]> => {
    if (target.kind === 'sim') return []
    // resolveRun reads api_key_env only once the target is chosen; the dialog asks before that.
    const key = target.apiKeyEnv === undefined ? undefined : env[target.apiKeyEnv]
    const keyed: Target =
      target.apiKey === undefined && key !== undefined ? { ...target, apiKey: key } : target
    const result =
      target.kind === 'litellm'
        ? await discoverLitellmModels(keyed, { timeoutMs })
        : await listOpenAiModels(keyed, { timeoutMs })
    return mergeModels([], result.models, [])
  }
}
