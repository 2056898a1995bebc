// Asks a LiteLLM proxy what it serves. `/v1/model/info` first: one entry per deployment with
// the group name, the upstream `<provider>/<model>`, its api_base and the deployment id
// (`x-litellm-model-id`). Keys without access to it (401/403) and proxies without it (404)
// fall back to `/v1/models`, which has group names only. Wildcard routes are dropped: a
// request cannot send `openai/*`. Never calls `/health` (it makes a real call per deployment).

import { Agent } from '../client/undici.js'
import { TargetError } from '../errors.js'
import { targetHeaders, targetSecrets } from '../http/credentials.js'
import { maskUrl } from '../http/mask.js'
import type { Target } from '../types.js'
import type { DiscoveredModel, DiscoveryResult } from './discovered-model.js'
import { describeFailure, type HttpGetResult, httpGet } from './http-get.js'
import { isWildcardName, parseOpenAiModelList, wildcardNote } from './openai-models.js'
import { targetFailure } from './target-failure.js'
import { litellmRoot } from './target-url.js'

/** Statuses after which `/v1/models` may still work (pi-provider-litellm does the same). */
const fallbackStatuses = new Set([401, 403, 404])

/** `model_info.mode` values a text-generation benchmark can use; unset means chat in LiteLLM. */
const textModes = new Set(['chat', 'completion', 'responses'])

export interface Deployment {
  modelName: string
  providerModel: string | null
  apiBase: string | null
  id: string | null
  mode: string | null
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

/** Deployments of a `/model/info` body, or null when the body is not one. */
export function parseModelInfo(bodyText: string): Deployment[] | null {
  let body: unknown
  try {
    body = JSON.parse(bodyText)
  } catch {
    return null
  }
  const data = asRecord(body).data
  // A proxy started with `--model X` and no config answers a single object, not a list.
  const entries = Array.isArray(data) ? data : typeof data === 'object' && data !== null ? [data] : null
  if (entries === null) return null
  const deployments: Deployment[] = []
  for (const entry of entries) {
    const record = asRecord(entry)
    const modelName = stringOrNull(record.model_name)
    if (modelName === null) continue
    const params = asRecord(record.litellm_params)
    const info = asRecord(record.model_info)
    const id = typeof info.id === 'number' ? String(info.id) : stringOrNull(info.id)
    deployments.push({
      modelName,
      providerModel: stringOrNull(params.model),
      apiBase: stringOrNull(params.api_base),
      id,
      mode: stringOrNull(info.mode),
    })
  }
  return deployments
}

function pushDistinct(list: string[], value: string | null): void {
  if (value !== null && !list.includes(value)) list.push(value)
}

/** Groups deployments by model_name in first-seen order; drops wildcards and non-text modes. */
export function groupDeployments(
  deployments: readonly Deployment[],
  secrets: readonly string[],
): { models: DiscoveredModel[]; notes: string[] } {
  const groups = new Map<string, DiscoveredModel>()
  const wildcards: string[] = []
  const otherModes: string[] = []
  for (const deployment of deployments) {
    const { modelName, mode } = deployment
    if (isWildcardName(modelName)) {
      pushDistinct(wildcards, modelName)
      continue
    }
    if (mode !== null && !textModes.has(mode)) {
      pushDistinct(otherModes, `${modelName} (${mode})`)
      continue
    }
    let group = groups.get(modelName)
    if (group === undefined) {
      group = {
        name: modelName,
        providerModels: [],
        apiBases: [],
        deploymentCount: 0,
        source: 'proxy API',
        modelIds: [],
      }
      groups.set(modelName, group)
    }
    group.deploymentCount += 1
    pushDistinct(group.providerModels, deployment.providerModel)
    pushDistinct(group.apiBases, deployment.apiBase === null ? null : maskUrl(deployment.apiBase, secrets))
    pushDistinct(group.modelIds, deployment.id)
  }
  const notes: string[] = []
  if (wildcards.length > 0) notes.push(wildcardNote(wildcards))
  if (otherModes.length > 0) notes.push(`Skipped models that do not generate text: ${otherModes.join(', ')}`)
  return { models: [...groups.values()], notes }
}

/** The body of a 2xx response; null for any other result. */
function okBody(result: HttpGetResult): string | null {
  return result.status !== null && result.status >= 200 && result.status < 300 ? result.bodyText : null
}

/**
 * Lists the model groups of a LiteLLM proxy. `target.baseUrl` may or may not end in /v1.
 * Throws TargetError (METHOD URL, status, the proxy's message; secrets masked) when neither
 * endpoint answers with a list.
 */
export async function discoverLitellmModels(
  target: Target,
  opts: { timeoutMs: number },
): Promise<DiscoveryResult> {
  if (target.baseUrl === '')
    throw new TargetError(`Target "${target.name}" has no base_url to list models from`)
  const root = litellmRoot(target.baseUrl)
  const secrets = targetSecrets(target)
  const headers = targetHeaders(target)
  const dispatcher = new Agent({ connect: { timeout: opts.timeoutMs } })
  const get = (url: string): Promise<HttpGetResult> =>
    httpGet(url, { headers, timeoutMs: opts.timeoutMs, dispatcher })
  try {
    const infoUrl = `${root}/v1/model/info`
    const info = await get(infoUrl)
    const notes: string[] = []
    const infoBody = okBody(info)
    if (infoBody !== null) {
      const deployments = parseModelInfo(infoBody)
      if (deployments !== null) {
        const grouped = groupDeployments(deployments, secrets)
        notes.push(...grouped.notes)
        const models = grouped.models
        if (deployments.some((deployment) => isWildcardName(deployment.modelName))) {
          models.push(...(await expandedWildcards(`${root}/v1/models`, models, get, notes, secrets)))
        }
        if (models.length === 0)
          notes.push(`GET ${maskUrl(infoUrl, secrets)} lists no usable models for this key`)
        return { models, notes, endpoint: maskUrl(infoUrl, secrets) }
      }
      notes.push(
        `GET ${maskUrl(infoUrl, secrets)}: HTTP ${info.status} but not a LiteLLM model list; used /v1/models`,
      )
    } else if (info.status !== null && fallbackStatuses.has(info.status)) {
      notes.push(
        `${describeFailure(infoUrl, info, secrets)}; listed models from /v1/models (no deployment detail)`,
      )
    } else {
      throw targetFailure(target, infoUrl, info)
    }
    return await listFromModels(target, `${root}/v1/models`, get, notes, secrets)
  } finally {
    await dispatcher.close()
  }
}

async function listFromModels(
  target: Target,
  url: string,
  get: (url: string) => Promise<HttpGetResult>,
  notes: string[],
  secrets: readonly string[],
): Promise<DiscoveryResult> {
  const result = await get(url)
  const body = okBody(result)
  if (body === null) throw targetFailure(target, url, result)
  const parsed = parseOpenAiModelList(body, 'proxy API')
  if (parsed === null) {
    throw new TargetError(`GET ${maskUrl(url, secrets)}: the answer is not a model list`, {
      hint: `Check base_url of target "${target.name}": it should point at the LiteLLM proxy`,
    })
  }
  if (parsed.wildcards.length > 0) notes.push(wildcardNote(parsed.wildcards))
  if (parsed.models.length === 0)
    notes.push(`GET ${maskUrl(url, secrets)} lists no usable models for this key`)
  return { models: parsed.models, notes, endpoint: maskUrl(url, secrets) }
}

/**
 * `/model/info` shows a wildcard deployment as the raw pattern; `/v1/models` lists the names
 * it expands to (from the provider when the proxy has check_provider_endpoint). Best effort:
 * a failure here only adds a note.
 */
async function expandedWildcards(
  url: string,
  known: readonly DiscoveredModel[],
  get: (url: string) => Promise<HttpGetResult>,
  notes: string[],
  secrets: readonly string[],
): Promise<DiscoveredModel[]> {
  const result = await get(url)
  const body = okBody(result)
  const parsed = body === null ? null : parseOpenAiModelList(body, 'proxy API')
  if (parsed === null) {
    const why =
      body !== null ? `GET ${maskUrl(url, secrets)}: not a model list` : describeFailure(url, result, secrets)
    notes.push(`Could not list the names behind the wildcard routes (${why})`)
    return []
  }
  const knownNames = new Set(known.map((model) => model.name))
  const added = parsed.models.filter((model) => !knownNames.has(model.name))
  if (added.length > 0)
    notes.push(`Added ${added.length} model name(s) that wildcard routes expand to, from /v1/models`)
  return added
}
