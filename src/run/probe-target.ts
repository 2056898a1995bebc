// The capability probe before every run (project issue 5): a few tiny requests find out what
// the target supports, the result goes to meta.capabilities and the report, and the run
// adapts to it. An unreachable target stops the run here, before any result file exists.
import { probeCapabilities } from '../discovery/capability-probe.js'
import { checkLiveness } from '../discovery/liveness.js'
import { findUnlistedModel, type UnlistedModel } from '../discovery/served-model-check.js'
import { TargetError } from '../errors.js'
import { targetHeaders, targetSecrets } from '../http/credentials.js'
import { maskUrl } from '../http/mask.js'
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
  | { kind: 'model_not_listed'; unlisted: UnlistedModel }

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
  if (result.rejectedStatus === 404) throw notFoundError(plan, result.endpoint ?? target.baseUrl)
  const unlisted = await findUnlistedModel(target, plan.model.fullName, {
    timeoutMs: plan.timeouts.connectMs,
  })
  const modelNotes: ProbeNote[] = unlisted === null ? [] : [{ kind: 'model_not_listed', unlisted }]
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
    return { plan, capabilities: null, notes: [{ kind: 'probe_failed' }, ...notes, ...modelNotes] }
  }
  const adapted = adaptToCapabilities(plan, result.capabilities, hasTokenizer)
  const kept = result.notes
    .filter((note) => !COVERED_NOTES.some((covered) => covered.test(note)))
    .map((text): ProbeNote => ({ kind: 'probe_note', text }))
  const [capabilities, ...changes] = adapted.notes
  return {
    ...adapted,
    notes: [...(capabilities === undefined ? [] : [capabilities]), ...kept, ...changes, ...modelNotes],
  }
}

/**
 * The probe's request got 404: every request of the load would too. Most often base_url
 * lacks its /v1 (http://host:8000 for http://host:8000/v1); else the server does not serve
 * this model (vLLM answers 404 for an unknown model name) or this API.
 */
function notFoundError(plan: RunPlan, endpoint: string): TargetError {
  const { target } = plan
  const unmasked = baseUrlWithV1(target.baseUrl)
  if (unmasked !== null) {
    const withV1 = maskUrl(unmasked, targetSecrets(target))
    return new TargetError(`${endpoint}: HTTP 404 — did you mean ${withV1}?`, {
      hint: `OpenAI-compatible servers answer under /v1: use --base-url ${withV1} (or base_url: ${withV1} for target "${target.name}" in targets.yaml)`,
    })
  }
  return new TargetError(
    `${endpoint}: HTTP 404: the server has no such endpoint or does not serve model "${plan.model.fullName}"`,
    {
      hint: `See what it serves with: run-bench models --target ${target.name}; or try --api ${plan.workload.api === 'chat' ? 'completions' : 'chat'}`,
    },
  )
}

/** base_url with /v1 added, or null when its path already ends in /v1. */
export function baseUrlWithV1(baseUrl: string): string | null {
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch {
    return null
  }
  const path = url.pathname.replace(/\/+$/, '')
  if (/\/v1$/.test(path)) return null
  url.pathname = `${path}/v1`
  return url.toString().replace(/\/+$/, '')
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
