// GET <baseUrl>/models on a plain OpenAI-compatible server (vLLM, llama.cpp, Ollama, TGI,
// the built-in simulator). Items are `{ id, object, created, owned_by }`; vLLM adds `root`
// (the model path it loaded), which we keep as the provider model.

import { Agent } from '../client/undici.js'
import { TargetError } from '../errors.js'
import { targetHeaders, targetSecrets } from '../http/credentials.js'
import { maskUrl } from '../http/mask.js'
import type { Target } from '../types.js'
import type { DiscoveredModel, DiscoveryResult } from './discovered-model.js'
import { httpGet } from './http-get.js'
import { targetFailure } from './target-failure.js'
import { joinUrl } from './target-url.js'

/** Models whose name is a routing pattern, not something a request can send. */
export function isWildcardName(name: string): boolean {
  return name.includes('*')
}

export function wildcardNote(names: readonly string[]): string {
  return `Skipped wildcard route${names.length === 1 ? '' : 's'} ${names.map((name) => `"${name}"`).join(', ')}: send a concrete model name instead (e.g. openai/<model>)`
}

/**
 * Parses an OpenAI model list body. Returns null when the body is not one (so the caller
 * can say so); wildcard ids go to `wildcards`, duplicate ids are listed once.
 */
export function parseOpenAiModelList(
  bodyText: string,
  source: DiscoveredModel['source'],
): { models: DiscoveredModel[]; wildcards: string[] } | null {
  let body: unknown
  try {
    body = JSON.parse(bodyText)
  } catch {
    return null
  }
  if (typeof body !== 'object' || body === null || !('data' in body)) return null
  // Ollama answers `data: null` when no model is pulled.
  const data = (body as { data: unknown }).data ?? []
  if (!Array.isArray(data)) return null
  const models: DiscoveredModel[] = []
  const wildcards: string[] = []
  const seen = new Set<string>()
  for (const item of data) {
    const id = (item as { id?: unknown } | null)?.id
    if (typeof id !== 'string' || id === '' || seen.has(id)) continue
    seen.add(id)
    if (isWildcardName(id)) {
      wildcards.push(id)
      continue
    }
    const root = (item as { root?: unknown }).root
    models.push({
      name: id,
      providerModels: typeof root === 'string' && root !== '' && root !== id ? [root] : [],
      apiBases: [],
      // A plain server is the one deployment; LiteLLM's list does not say how many it has.
      deploymentCount: source === 'server' ? 1 : 0,
      source,
      modelIds: [],
    })
  }
  return { models, wildcards }
}

/** Lists the models of a plain OpenAI-compatible server. Throws TargetError when it cannot. */
export async function listOpenAiModels(
  target: Target,
  opts: { timeoutMs: number },
): Promise<DiscoveryResult> {
  if (target.baseUrl === '') {
    throw new TargetError(`Target "${target.name}" has no base_url to list models from`)
  }
  const url = joinUrl(target.baseUrl, 'models')
  const secrets = targetSecrets(target)
  const dispatcher = new Agent({ connect: { timeout: opts.timeoutMs } })
  try {
    const result = await httpGet(url, {
      headers: targetHeaders(target),
      timeoutMs: opts.timeoutMs,
      dispatcher,
    })
    if (result.status === null || result.status < 200 || result.status >= 300) {
      throw targetFailure(target, url, result)
    }
    const parsed = parseOpenAiModelList(result.bodyText, 'server')
    if (parsed === null) {
      throw new TargetError(
        `GET ${maskUrl(url, secrets)}: HTTP ${result.status} but the body is not a model list`,
        {
          hint: `Check base_url of target "${target.name}": it should be the OpenAI-compatible prefix ending in /v1`,
        },
      )
    }
    const notes = parsed.wildcards.length > 0 ? [wildcardNote(parsed.wildcards)] : []
    if (parsed.models.length === 0) notes.push(`GET ${maskUrl(url, secrets)} lists no models`)
    return { models: parsed.models, notes, endpoint: maskUrl(url, secrets) }
  } finally {
    await dispatcher.close()
  }
}
