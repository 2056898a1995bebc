// The capability probe before every run (project issue 5): a few tiny requests find out what
// the target supports, the result goes to meta.capabilities and the report, and the run
// adapts to it. An unreachable target stops the run here, before any result file exists.
import { probeCapabilities } from '../discovery/capability-probe.js'
import { checkLiveness } from '../discovery/liveness.js'
import { TargetError } from '../errors.js'
import { targetHeaders } from '../http/credentials.js'
import type { RunPlan, ServerCapabilities } from '../types.js'

/** Each probe request's budget: a healthy server answers 8 tokens well within it. */
const PROBE_TIMEOUT_MS = 30_000

export interface ProbedRun {
  /** The plan as it will run: keepalive and ignore_eos adapted to the capabilities. */
  plan: RunPlan
  /** What the probe established; null when it could not (the run then keeps its settings). */
  capabilities: ServerCapabilities | null
  /** In order: the capabilities, the probe's notes, what the run changed. */
  notes: ProbeNote[]
}

/** One line per capability, the same in the terminal and in the reports. */
export function describeCapabilities(capabilities: ServerCapabilities): string {
  const mark = (ok: boolean) => (ok ? '✓' : '✗')
  return [
    `usage ${mark(capabilities.includeUsage)}`,
    `ignore_eos ${mark(capabilities.ignoreEos)}`,
    `min_tokens ${mark(capabilities.minTokens)}`,
    `role-only first chunk ${mark(capabilities.roleOnlyFirstChunk)}`,
    `keep-alive ${mark(capabilities.keepAlive)}`,
    `reasoning field ${capabilities.reasoningField ?? '-'}`,
  ].join(' · ')
}

/**
 * What the probe and the adaptation have to tell the user, as data: cli/ words it (en/ko).
 * `probe_note` is a note of the probe itself, in its own (English) words.
 */
export type ProbeNote =
  | { kind: 'capabilities'; line: string }
  | { kind: 'probe_failed' }
  | { kind: 'probe_note'; text: string }
  | { kind: 'no_usage'; byTokenizer: boolean }
  | { kind: 'ignore_eos_dropped' }
  | { kind: 'connection_close' }

/** Probe notes that the adaptation lines already say in full. */
const COVERED_NOTES = [/^No usage chunk/, /keepAlive false/]

/**
 * Probes the plan's target (started already when it is the in-process simulator) and adapts
 * the plan. A failed probe is not fatal: its notes are printed and the run keeps its
 * settings; but when nothing answers at the target's address at all, throws TargetError.
 */
export async function probeTarget(plan: RunPlan, hasTokenizer: boolean): Promise<ProbedRun> {
  const { target } = plan
  const result = await probeCapabilities({
    baseUrl: target.baseUrl,
    headers: targetHeaders(target),
    model: plan.model.fullName,
    api: plan.workload.api,
    timeoutMs: Math.min(plan.timeouts.totalMs, PROBE_TIMEOUT_MS),
  })
  const notes = result.notes.map((text): ProbeNote => ({ kind: 'probe_note', text }))
  // The probe reports a failure only in its notes; "Probe skipped" is a base URL it could not parse.
  if (result.notes.some((note) => /^Probe (failed|skipped)/.test(note))) {
    const liveness = await checkLiveness(target, { timeoutMs: plan.timeouts.connectMs })
    if (!liveness.ok && liveness.status === null) {
      throw new TargetError(
        liveness.error ?? `Target "${target.name}" does not answer at ${target.baseUrl}`,
        {
          hint: `Check that the server of target "${target.name}" is running and that base_url ${target.baseUrl} is right`,
        },
      )
    }
    return { plan, capabilities: null, notes: [{ kind: 'probe_failed' }, ...notes] }
  }
  const adapted = adaptToCapabilities(plan, result.capabilities, hasTokenizer)
  const kept = result.notes
    .filter((note) => !COVERED_NOTES.some((covered) => covered.test(note)))
    .map((text): ProbeNote => ({ kind: 'probe_note', text }))
  const [capabilities, ...changes] = adapted.notes
  return { ...adapted, notes: [...(capabilities === undefined ? [] : [capabilities]), ...kept, ...changes] }
}

/**
 * The run as the capabilities allow it: ignore_eos only where it is honoured (a server may
 * reject it, or silently ignore it), connection: close where the server closes streamed
 * connections anyway (reusing them would cost a retry). Usage is still asked for (harmless).
 */
export function adaptToCapabilities(
  plan: RunPlan,
  capabilities: ServerCapabilities,
  hasTokenizer: boolean,
): ProbedRun {
  const notes: ProbeNote[] = [{ kind: 'capabilities', line: describeCapabilities(capabilities) }]
  let adapted = plan
  if (!capabilities.includeUsage) notes.push({ kind: 'no_usage', byTokenizer: hasTokenizer })
  if (plan.workload.ignoreEos && !capabilities.ignoreEos) {
    adapted = { ...adapted, workload: { ...adapted.workload, ignoreEos: false } }
    notes.push({ kind: 'ignore_eos_dropped' })
  }
  if (plan.target.keepalive && !capabilities.keepAlive) {
    adapted = { ...adapted, target: { ...adapted.target, keepalive: false } }
    notes.push({ kind: 'connection_close' })
  }
  return { plan: adapted, capabilities, notes }
}
