// The prompt source of one run (issue 16): built from the workload's source settings before
// the clock starts, and its requests turned into the client's specs. The source decides what
// is sent; the executors still decide when (a trace's own times replace the rps schedule).
import { basename } from 'node:path'
import type { RequestSpec as ClientSpec, SourceRecordFields } from '../client/send-request.js'
import type { RunPlan, ServerCapabilities } from '../types.js'
import { expectedRequests } from '../workload/arrivals.js'
import type { CountTokens } from '../workload/exact-token-prompt.js'
import type { PromptSource, RequestSpec as SourceSpec } from '../workload/prompt-source.js'
import { buildPromptSource } from '../workload/source-settings.js'
import { createTokenCounter } from '../workload/tokenizer.js'

export interface RunSource {
  source: PromptSource
  /** Trace replay: send times in ms from run start, cut to the run's bounds; null otherwise. */
  arrivalsMs: number[] | null
  /** Sessions: every request id comes from one counter, in send order (see run-state.ts). */
  sessions: boolean
}

/**
 * Salt of the source's seed: the prompts are drawn from their own stream, so the arrival
 * times (drawn from `seed`) stay the same whatever the source (as run-state.ts does for the
 * built-in prompt sets). Priming and the run use the same seed, so they see the same prefixes.
 */
const SOURCE_STREAM_SALT = 0x2545f491

/** How reports name the tokenizer that measured the prompts. */
export function tokenizerLabel(plan: Pick<RunPlan, 'tokenizer'>): string {
  return plan.tokenizer === undefined ? 'o200k_base, approximate' : basename(plan.tokenizer)
}

/** The run's source, or null for a workload of built-in prompts. Reads its files once. */
export async function prepareRunSource(
  plan: RunPlan,
  countTokens: CountTokens | null,
): Promise<RunSource | null> {
  if (plan.workload.sources === undefined) return null
  const count =
    countTokens ??
    (await createTokenCounter(
      plan.tokenizer === undefined ? { kind: 'default' } : { kind: 'tokenizer-json', path: plan.tokenizer },
    ))
  return buildRunSource(plan, count)
}

/**
 * prepareRunSource with the tokenizer at hand. Throws ConfigError for a bad dataset or trace
 * and for a length the tokenizer cannot reach, so the CLI calls it to check a plan before
 * any load.
 */
export function buildRunSource(plan: RunPlan, countTokens: CountTokens, prefetch = true): RunSource | null {
  const settings = plan.workload.sources
  if (settings === undefined) return null
  const built = buildPromptSource(settings, {
    seed: (plan.seed ^ SOURCE_STREAM_SALT) >>> 0,
    countTokens,
    tokenizerLabel: tokenizerLabel(plan),
    maxTokens: plan.workload.maxTokens,
  })
  if (built === null) return null
  let arrivalsMs: number[] | null = null
  if (built.arrivals !== undefined) {
    const { durationSec, requests } = plan.workload
    const endMs = durationSec === undefined ? Number.POSITIVE_INFINITY : durationSec * 1000
    arrivalsMs = built.arrivals
      .map((arrival) => arrival.scheduledAtMs)
      .filter((atMs) => atMs < endMs)
      .slice(0, requests ?? Number.POSITIVE_INFINITY)
  }
  const expected = arrivalsMs?.length ?? expectedRequests(plan.workload) ?? plan.workload.concurrency * 4
  return {
    source: prefetch ? withPrefetch(built.source, Math.min(expected, PREFETCH_LIMIT)) : built.source,
    arrivalsMs,
    sessions: settings.sessions !== undefined,
  }
}

/**
 * Requests generated before the clock starts: an exact-length prompt costs a few ms of CPU
 * (≈3 ms for 1,024 tokens), which would otherwise be spent at send time and show up as
 * schedule lag. Beyond this many, the rest are generated as they are sent.
 */
const PREFETCH_LIMIT = 2000

/** The same source, its first `count` requests drawn now (same order, so the same requests). */
function withPrefetch(source: PromptSource, count: number): PromptSource {
  const ready: (SourceSpec | null)[] = []
  for (let i = 0; i < count; i++) {
    const spec = source.next()
    ready.push(spec)
    if (spec === null) break
  }
  ready.reverse()
  return {
    ...source,
    next: () => (ready.length > 0 ? (ready.pop() as SourceSpec | null) : source.next()),
  }
}

/** What every request of the run shares, for turning a source's request into a client spec. */
export interface SpecDefaults {
  model: string
  api: ClientSpec['api']
  temperature: number
  includeUsage: boolean
  /** The workload's max_tokens and ignore_eos (as adapted to the capabilities). */
  maxTokens: number
  ignoreEos: boolean
  /** What the probe found; null when it did not run (ignore_eos then follows the workload). */
  capabilities: ServerCapabilities | null
}

/**
 * A source's request → the client's spec. An exact output length is asked for with
 * max_tokens, plus ignore_eos and min_tokens where the probe found them supported; the
 * record's exact_output says which were sent, requested_output_met whether it worked.
 */
export function toClientSpec(
  spec: SourceSpec,
  requestId: number,
  scheduledAtMs: number | null,
  defaults: SpecDefaults,
): ClientSpec {
  const maxTokens = spec.maxTokens ?? defaults.maxTokens
  const fields: SourceRecordFields = {}
  if (spec.requestedInputTokens !== undefined) fields.requested_input_tokens = spec.requestedInputTokens
  if (spec.requestedOutputTokens !== undefined) fields.requested_output_tokens = spec.requestedOutputTokens
  if (spec.session !== undefined) {
    fields.session_id = spec.session.sessionId
    fields.turn = spec.session.turn
    fields.session_turns = spec.session.turns
  }
  if (spec.prefixGroup !== undefined) fields.prefix_group = spec.prefixGroup
  let ignoreEos = defaults.ignoreEos
  let minTokens: number | undefined
  if (spec.exactOutput) {
    ignoreEos = defaults.capabilities?.ignoreEos ?? defaults.ignoreEos
    if (defaults.capabilities?.minTokens === true) minTokens = maxTokens
    fields.requested_output_tokens ??= maxTokens
    fields.exact_output =
      ignoreEos && minTokens !== undefined
        ? 'ignore_eos+min_tokens'
        : ignoreEos
          ? 'ignore_eos'
          : minTokens !== undefined
            ? 'min_tokens'
            : 'max_tokens_only'
  }
  // The record's `prompt` is the newest user message: the history and a shared system prompt
  // are in the request, their lengths in requested_input_tokens.
  const lastUser = [...spec.messages].reverse().find((message) => message.role === 'user')
  const client: ClientSpec = {
    requestId,
    model: defaults.model,
    prompt: { text: lastUser?.content ?? '', category: 'source' },
    api: defaults.api,
    maxTokens,
    temperature: defaults.temperature,
    ignoreEos,
    includeUsage: defaults.includeUsage,
    scheduledAtMs,
    messages: spec.messages,
    recordFields: fields,
  }
  if (minTokens !== undefined) client.minTokens = minTokens
  // Only a turn with a next turn needs its answer back.
  if (spec.session !== undefined && spec.session.turn < spec.session.turns) client.keepAnswer = true
  return client
}
