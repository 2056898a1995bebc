// Is the model the run will ask for among what the server lists at GET <baseUrl>/models?
// A name the server does not list usually fails every request (vLLM answers 404), so the
// run warns before the load, with the closest listed name.

import { didYouMean } from '../config/did-you-mean.js'
import type { Target } from '../types.js'
import { listOpenAiModels } from './openai-models.js'

export interface UnlistedModel {
  model: string
  /** The listed names (as many as the server gave). */
  listed: string[]
  /** GET …/models, secrets masked. */
  endpoint: string
  /** The closest listed name, when one is close. */
  suggestion?: string
}

/**
 * Null when the model is listed, or when the list cannot be had (a server without /models,
 * a list that is empty): no evidence is no warning.
 */
export async function findUnlistedModel(
  target: Target,
  model: string,
  opts: { timeoutMs: number },
): Promise<UnlistedModel | null> {
  if (target.kind === 'sim' || target.baseUrl === '') return null
  let listed: Awaited<ReturnType<typeof listOpenAiModels>>
  try {
    listed = await listOpenAiModels(target, opts)
  } catch {
    // Deliberately quiet: the probe and the run report an unreachable server themselves.
    return null
  }
  // A wildcard route (LiteLLM's openai/*) serves names it cannot list.
  if (listed.notes.some((note) => note.startsWith('Skipped wildcard'))) return null
  const names = listed.models.map((served) => served.name)
  if (names.length === 0 || names.includes(model)) return null
  const suggestion = didYouMean(model, names)
  return {
    model,
    listed: names,
    endpoint: listed.endpoint,
    ...(suggestion === undefined ? {} : { suggestion }),
  }
}
