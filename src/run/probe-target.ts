// The capability probe before every run (project issue 5): a few tiny requests find out what
// the target supports, the result goes to meta.capabilities and the report, and the run
// adapts to it. An unreachable target stops the run here, before any result file exists.
import { probeCapabilities } from '../discovery/capability-probe.js'
import { checkLiveness } from '../discovery/liveness.js'
import { targetHeaders } from '../discovery/target-url.js'
import { TargetError } from '../errors.js'
import type { RunPlan, ServerCapabilities } from '../types.js'
import type { Lang } from './lang.js'

/** Each probe request's budget: a healthy server answers 8 tokens well within it. */
const PROBE_TIMEOUT_MS = 30_000

export interface ProbedRun {
  /** The plan as it will run: keepalive and ignore_eos adapted to the capabilities. */
  plan: RunPlan
  /** What the probe established; null when it could not (the run then keeps its settings). */
  capabilities: ServerCapabilities | null
  /** Terminal lines: the capabilities, the probe's notes, what the run changed. */
  lines: string[]
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

interface ProbeMessages {
  capabilities: (line: string) => string
  failed: string
  noUsage: (byTokenizer: boolean) => string
  ignoreEosDropped: string
  connectionClose: string
}

const en: ProbeMessages = {
  capabilities: (line) => `Server capabilities: ${line}`,
  failed: 'Server capabilities: unknown (the probe failed); the run keeps its settings',
  noUsage: (byTokenizer) =>
    `ℹ️  The server sends no usage: output token counts will be estimated ${byTokenizer ? 'with a tokenizer' : 'from the chunk count'}`,
  ignoreEosDropped:
    'ℹ️  The server does not honour ignore_eos: it is not sent, so answers may end before max_tokens',
  connectionClose:
    'ℹ️  The server closes its connection after each streamed response: every request is sent with connection: close',
}

const ko: ProbeMessages = {
  capabilities: (line) => `서버 기능: ${line}`,
  failed: '서버 기능: 알 수 없음 (확인 요청 실패), 설정 그대로 실행합니다',
  noUsage: (byTokenizer) =>
    `ℹ️  서버가 usage를 보내지 않습니다: 출력 토큰 수는 ${byTokenizer ? '토크나이저로' : '청크 수로'} 추정합니다`,
  ignoreEosDropped:
    'ℹ️  서버가 ignore_eos를 따르지 않아 보내지 않습니다: 응답이 max_tokens 전에 끝날 수 있습니다',
  connectionClose: 'ℹ️  서버가 스트리밍 응답마다 연결을 닫습니다: 모든 요청을 connection: close로 보냅니다',
}

/** Probe notes that the adaptation lines already say in full. */
const COVERED_NOTES = [/^No usage chunk/, /keepAlive false/]

/**
 * Probes the plan's target (started already when it is the in-process simulator) and adapts
 * the plan. A failed probe is not fatal: its notes are printed and the run keeps its
 * settings; but when nothing answers at the target's address at all, throws TargetError.
 */
export async function probeTarget(plan: RunPlan, lang: Lang, hasTokenizer: boolean): Promise<ProbedRun> {
  const { target } = plan
  const result = await probeCapabilities({
    baseUrl: target.baseUrl,
    headers: targetHeaders(target),
    model: plan.model.fullName,
    api: plan.workload.api,
    timeoutMs: Math.min(plan.timeouts.totalMs, PROBE_TIMEOUT_MS),
  })
  const notes = result.notes.map((note) => `   - ${note}`)
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
    return { plan, capabilities: null, lines: [messagesFor(lang).failed, ...notes] }
  }
  const adapted = adaptToCapabilities(plan, result.capabilities, lang, hasTokenizer)
  const kept = result.notes.filter((note) => !COVERED_NOTES.some((covered) => covered.test(note)))
  return {
    ...adapted,
    lines: [adapted.lines[0] ?? '', ...kept.map((note) => `   - ${note}`), ...adapted.lines.slice(1)],
  }
}

/**
 * The run as the capabilities allow it: ignore_eos only where it is honoured (a server may
 * reject it, or silently ignore it), connection: close where the server closes streamed
 * connections anyway (reusing them would cost a retry). Usage is still asked for (harmless).
 */
export function adaptToCapabilities(
  plan: RunPlan,
  capabilities: ServerCapabilities,
  lang: Lang,
  hasTokenizer: boolean,
): ProbedRun {
  const msg = messagesFor(lang)
  const lines = [msg.capabilities(describeCapabilities(capabilities))]
  let adapted = plan
  if (!capabilities.includeUsage) lines.push(msg.noUsage(hasTokenizer))
  if (plan.workload.ignoreEos && !capabilities.ignoreEos) {
    adapted = { ...adapted, workload: { ...adapted.workload, ignoreEos: false } }
    lines.push(msg.ignoreEosDropped)
  }
  if (plan.target.keepalive && !capabilities.keepAlive) {
    adapted = { ...adapted, target: { ...adapted.target, keepalive: false } }
    lines.push(msg.connectionClose)
  }
  return { plan: adapted, capabilities, lines }
}

function messagesFor(lang: Lang): ProbeMessages {
  return lang === 'ko' ? ko : en
}
