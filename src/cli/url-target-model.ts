// The command-line side of a server given by URL (config/url-target.ts): without --model,
// the server's first listed model is used (also for a target models.yaml offers nothing
// for), and the user is told which and why.
import { keyedTarget } from '../config/api-key.js'
import { DEFAULT_TIMEOUTS } from '../config/defaults.js'
import { type LoadedConfig, modelsForTarget } from '../config/load-config.js'
import type { SettledChoice } from '../config/run-overrides.js'
import { withUrlTarget } from '../config/url-target.js'
import { firstServedModel } from '../discovery/first-served-model.js'
import type { Io } from './io.js'

export async function withUrlTargetModel(
  config: LoadedConfig,
  settled: SettledChoice,
  io: Io,
): Promise<{ config: LoadedConfig; settled: SettledChoice }> {
  const applied = withUrlTarget(config, settled)
  const name = applied.settled.choice.target
  const target =
    name === undefined ? applied.config.targets[0] : applied.config.targets.find((t) => t.name === name)
  if (target === undefined || target.kind === 'sim' || applied.settled.choice.model !== undefined)
    return applied
  // A URL target, or a target models.yaml offers nothing for: the server says what it serves.
  if (applied.adHoc === null && modelsForTarget(applied.config, target.name).length > 0) return applied
  const keyed = keyedTarget(target, io.env)
  // resolveRun names the unset key variable better than a 401 would.
  if (keyed.missingKeyEnv !== null) return applied
  const first = await firstServedModel(keyed.target, {
    timeoutMs: DEFAULT_TIMEOUTS.connectMs,
  })
  const others = first.count === 1 ? 'the only model' : `the first of ${first.count} models`
  io.stderr.write(`Note: no --model given: using "${first.name}", ${others} that ${first.endpoint} lists\n`)
  return {
    config: {
      ...applied.config,
      models: [
        ...applied.config.models,
        { name: first.name, fullName: first.name, description: '', source: 'server', targets: [target.name] },
      ],
    },
    settled: {
      choice: { ...applied.settled.choice, model: first.name },
      sources: { ...applied.settled.sources, model: first.endpoint },
    },
  }
}
