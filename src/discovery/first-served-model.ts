// `--target http://…` without --model: take the first model the server lists, as vLLM's
// own benchmark does, so pointing at a server needs nothing but its URL.

import { UsageError } from '../errors.js'
import type { Target } from '../types.js'
import { listOpenAiModels } from './openai-models.js'

export interface FirstServedModel {
  name: string
  /** How many models the server listed. */
  count: number
  /** GET …/models, secrets masked. */
  endpoint: string
}

/** The server's first listed model; a TargetError when it cannot list, a UsageError when it lists none. */
export async function firstServedModel(
  target: Target,
  opts: { timeoutMs: number },
): Promise<FirstServedModel> {
  const listed = await listOpenAiModels(target, opts)
  const first = listed.models[0]
  if (first === undefined) {
    throw new UsageError(`${listed.endpoint} lists no models, so there is none to pick for --model`, {
      hint: 'Pass --model <served name>',
    })
  }
  return { name: first.name, count: listed.models.length, endpoint: listed.endpoint }
}
