import type { TokenLength } from '../types.js'
import type { Lang } from './lang.js'

// Every user-facing line of the run, progress and summary, in both languages. The dialog's
// own texts live in dialog-messages.ts. A function entry takes the values it shows.

export interface ProgressParts {
  elapsed: number
  total: number | null
  percent: string | null
  /** The run ends at a request count before its duration: progress counts requests. */
  countBound: boolean
  sent: string
  expected: string | null
  remaining: string | null
  ok: string
  /** Ended without success: failed, or aborted at the end ("0" hides the part). */
  notOk: string
  /** Recorded as never sent ("0" hides the part). */
  notSent: string
  ttftP50: string
  inFlight: number
}

/** A count part shown only when it is not zero, so every request is accounted for. */
const unlessZero = (count: string, part: string): string[] => (count === '0' ? [] : [part])

/** What the one-line plan says, each value already formatted. */
export interface PlanParts {
  /** null: closed loop with `concurrency` workers. */
  arrival: string | null
  rps: string | null
  concurrency: number
  durationSec: number | null
  requests: number | null
  /** Trace replay (issue 16): sent at the trace's own times ×scale, not at `rps` nor in a closed loop. */
  trace: { scale: string; requests: number | null } | null
  /** Multi-turn sessions: the rate and the requests bound count sessions of this many turns. */
  sessionTurns: number | null
  /** What each request asks for as output. */
  output: PlanOutput
  api: string
  /** The masked URL; null for the built-in simulator (then `simUrl`). */
  url: string | null
  simUrl: string
  workerThreads: number
}

/**
 * A request's output length as sent: the workload's max_tokens, an exact length from a
 * prompt source (max_tokens + ignore_eos/min_tokens), each dataset entry's own, or the trace's.
 */
export type PlanOutput =
  | { kind: 'max_tokens'; tokens: number }
  | { kind: 'exact'; length: TokenLength }
  | { kind: 'dataset'; fallback: number }
  | { kind: 'trace' }

/** `128`, `uniform 64–256`, `normal 1024±128 in 64–2048`: a TokenLength in either language. */
function lengthText(length: TokenLength, words: { uniform: string; normal: string; within: string }): string {
  if (typeof length === 'number') return String(length)
  if ('mean' in length)
    return `${words.normal} ${length.mean}±${length.sd}${words.within}${length.min}–${length.max}`
  return `${words.uniform} ${length.min}–${length.max}`
}

/** `head` always shows; `tail` parts are dropped from the last one when the line is too wide. */
export interface ProgressSegments {
  head: string
  tail: string[]
}

export interface RunMessages {
  startingWorkload: (workload: string) => string
  targetModel: (target: string, model: string) => string
  shape: (duration: string, rps: string, concurrency: number) => string
  expectedTotal: (count: string) => string
  plan: (line: string) => string
  /** The live line's parts, most important first; the printer drops from the end to fit. */
  progress: (p: ProgressParts) => ProgressSegments
  done: (completed: string, ok: string, percent: string) => string
  interrupted: (reason: string) => string
  nextStep: string
  files: string
  clientLimited: string
  /** Output tokens counted here (not reported by the server) for `estimated` of `total` successes. */
  tokensEstimated: (source: string, estimated: string, total: string, all: boolean) => string
  /** The one-line plan before firing (see describePlan in run-and-print.ts). */
  planLine: (parts: PlanParts) => string
  closedLoop: string
  /** The header's RPS for a trace replay (sent at the trace's times). */
  traceReplay: string
  /** The header's expected count when the rate and bounds count multi-turn sessions. */
  expectedSessions: (count: string, turns: number) => string
  secondInterrupt: string
  noSuccess: string
}

const en: RunMessages = {
  startingWorkload: (w) => `=== Starting workload: ${w} ===`,
  targetModel: (t, m) => `Target: ${t}, Model: ${m}`,
  shape: (d, r, c) => `Duration: ${d}, RPS: ${r}, Concurrency: ${c}`,
  expectedTotal: (n) => `Expected total requests: ${n}`,
  plan: (line) => `Plan: ${line}`,
  progress: (p) =>
    p.countBound
      ? {
          head: `⏱️  Progress: ${p.sent} / ${p.expected} requests (${p.percent}%)`,
          tail: [
            `ok: ${p.ok}`,
            ...unlessZero(p.notOk, `failed/aborted: ${p.notOk}`),
            ...unlessZero(p.notSent, `not sent: ${p.notSent}`),
            `in flight: ${p.inFlight}`,
            `TTFT p50: ${p.ttftP50}`,
            `elapsed: ${p.elapsed}s`,
          ],
        }
      : {
          head:
            p.total === null
              ? `⏱️  Progress: ${p.elapsed}s`
              : `⏱️  Progress: ${p.elapsed}s / ${p.total}s (${p.percent}%)`,
          tail: [
            `requests: ${p.sent}${p.expected === null ? '' : ` / ${p.expected}`}`,
            `ok: ${p.ok}`,
            ...unlessZero(p.notOk, `failed/aborted: ${p.notOk}`),
            ...unlessZero(p.notSent, `not sent: ${p.notSent}`),
            `in flight: ${p.inFlight}`,
            `TTFT p50: ${p.ttftP50}`,
            ...(p.remaining === null ? [] : [`remaining: ${p.remaining}`]),
          ],
        },
  done: (c, o, pct) => `✅ Done: ${c} requests, ${o} succeeded (${pct}%)`,
  interrupted: (r) => `⚠️  Interrupted (${r}): results so far are saved and marked incomplete`,
  nextStep: '📊 Analyse the results with:',
  files: '📁 Files:',
  clientLimited: '⚠️  Client-limited: these numbers may show the load generator, not the server:',
  tokensEstimated: (s, n, total, all) =>
    all
      ? `ℹ️  Output token counts are estimated for all ${total} successful requests (${s}): the server sent no usage`
      : `ℹ️  Output token counts are estimated for ${n} of ${total} successful requests (${s}): the server sent no usage for those`,
  planLine: (p) => {
    const unit = p.sessionTurns === null ? 'requests' : 'sessions'
    const load =
      p.trace !== null
        ? `trace replay at the trace's times ×${p.trace.scale}${p.trace.requests === null ? '' : `, ${p.trace.requests} requests`}`
        : p.arrival === null
          ? `closed loop, ${p.concurrency} workers`
          : `${p.arrival} @ ${p.rps} ${p.sessionTurns === null ? 'req' : 'sessions'}/s`
    const bounds = [
      ...(p.durationSec === null ? [] : [`for ${p.durationSec} s`]),
      // A replay's count is the trace's, said above.
      ...(p.requests === null || p.trace !== null ? [] : [`at most ${p.requests} ${unit}`]),
    ].join(', ')
    const turns = p.sessionTurns === null ? '' : `, sessions of ${p.sessionTurns} turns`
    const cap = p.arrival === null && p.trace === null ? '' : `, max ${p.concurrency} in flight`
    const o = p.output
    const output =
      o.kind === 'max_tokens'
        ? `max_tokens ${o.tokens}`
        : o.kind === 'exact'
          ? `output tokens ${lengthText(o.length, { uniform: 'uniform', normal: 'normal', within: ' in ' })} (exact)`
          : o.kind === 'dataset'
            ? `max_tokens from the dataset (else ${o.fallback})`
            : 'output tokens from the trace'
    const url = p.url ?? `built-in simulator (${p.simUrl})`
    const threads = p.workerThreads > 1 ? `, ${p.workerThreads} worker threads` : ''
    return `${load}${bounds === '' ? '' : ` ${bounds}`}${turns}${cap}, ${output}, ${p.api} API → ${url}${threads}`
  },
  closedLoop: 'closed loop',
  traceReplay: 'trace replay',
  expectedSessions: (n, turns) => `Expected total sessions: ${n} (${turns} turns each)`,
  secondInterrupt: 'Second interrupt: exiting now (completed records are already on disk)',
  noSuccess: '❌ No request succeeded: check the errors above',
}

const ko: RunMessages = {
  startingWorkload: (w) => `=== 워크로드 시작: ${w} ===`,
  targetModel: (t, m) => `서버: ${t}, 모델: ${m}`,
  shape: (d, r, c) => `시간: ${d}, RPS: ${r}, 동시성: ${c}`,
  expectedTotal: (n) => `예상 총 요청: ${n}개`,
  plan: (line) => `계획: ${line}`,
  progress: (p) =>
    p.countBound
      ? {
          head: `⏱️  진행: 요청 ${p.sent} / ${p.expected}개 (${p.percent}%)`,
          tail: [
            `성공: ${p.ok}`,
            ...unlessZero(p.notOk, `실패/중단: ${p.notOk}`),
            ...unlessZero(p.notSent, `미전송: ${p.notSent}`),
            `처리 중: ${p.inFlight}`,
            `TTFT 중앙값: ${p.ttftP50}`,
            `경과: ${p.elapsed}s`,
          ],
        }
      : {
          head:
            p.total === null
              ? `⏱️  진행: ${p.elapsed}s`
              : `⏱️  진행: ${p.elapsed}s / ${p.total}s (${p.percent}%)`,
          tail: [
            `요청: ${p.sent}${p.expected === null ? '' : ` / ${p.expected}`}`,
            `성공: ${p.ok}`,
            ...unlessZero(p.notOk, `실패/중단: ${p.notOk}`),
            ...unlessZero(p.notSent, `미전송: ${p.notSent}`),
            `처리 중: ${p.inFlight}`,
            `TTFT 중앙값: ${p.ttftP50}`,
            ...(p.remaining === null ? [] : [`남은 시간: ${p.remaining}`]),
          ],
        },
  done: (c, o, pct) => `✅ 완료: ${c}개, 성공: ${o}개 (${pct}%)`,
  interrupted: (r) => `⚠️  중단됨 (${r}): 지금까지의 결과는 저장되었고 미완료로 표시됩니다`,
  nextStep: '📊 다음 명령으로 결과를 분석하세요:',
  files: '📁 결과 파일:',
  clientLimited: '⚠️  클라이언트 한계: 이 수치는 서버가 아니라 부하 생성기의 한계일 수 있습니다:',
  tokensEstimated: (s, n, total, all) =>
    all
      ? `ℹ️  출력 토큰 수는 성공한 요청 ${total}개 모두 추정치입니다 (${s}): 서버가 usage를 보내지 않았습니다`
      : `ℹ️  출력 토큰 수는 성공한 요청 ${total}개 중 ${n}개가 추정치입니다 (${s}): 그 요청들에 서버가 usage를 보내지 않았습니다`,
  planLine: (p) => {
    const arrival = p.arrival === 'poisson' ? '포아송' : p.arrival === 'constant' ? '일정 간격' : p.arrival
    const load =
      p.trace !== null
        ? `트레이스 재생 (트레이스 시각 ×${p.trace.scale})${p.trace.requests === null ? '' : `, 요청 ${p.trace.requests}개`}`
        : p.arrival === null
          ? `폐쇄 루프, 워커 ${p.concurrency}개`
          : `${arrival} 도착 @ ${p.rps} ${p.sessionTurns === null ? 'req' : '세션'}/s`
    const bounds = [
      ...(p.durationSec === null ? [] : [`${p.durationSec}초 동안`]),
      ...(p.requests === null || p.trace !== null
        ? []
        : [`최대 ${p.sessionTurns === null ? '요청' : '세션'} ${p.requests}개`]),
    ].join(', ')
    const turns = p.sessionTurns === null ? '' : `, 세션당 ${p.sessionTurns}턴`
    const cap = p.arrival === null && p.trace === null ? '' : `, 동시 최대 ${p.concurrency}개`
    const o = p.output
    const output =
      o.kind === 'max_tokens'
        ? `max_tokens ${o.tokens}`
        : o.kind === 'exact'
          ? `출력 토큰 ${lengthText(o.length, { uniform: '균등', normal: '정규', within: ', ' })} (정확히)`
          : o.kind === 'dataset'
            ? `max_tokens 데이터셋 값 (없으면 ${o.fallback})`
            : '출력 토큰 트레이스 값'
    const url = p.url ?? `내장 시뮬레이터 (${p.simUrl})`
    const threads = p.workerThreads > 1 ? `, 워커 스레드 ${p.workerThreads}개` : ''
    return `${load}${bounds === '' ? '' : `, ${bounds}`}${turns}${cap}, ${output}, ${p.api} API → ${url}${threads}`
  },
  closedLoop: '폐쇄 루프',
  traceReplay: '트레이스 재생',
  expectedSessions: (n, turns) => `예상 총 세션: ${n}개 (세션당 ${turns}턴)`,
  secondInterrupt: '두 번째 중단: 즉시 종료합니다 (완료된 기록은 이미 디스크에 있습니다)',
  noSuccess: '❌ 성공한 요청이 없습니다: 위의 오류를 확인하세요',
}

export function runMessages(lang: Lang): RunMessages {
  return lang === 'ko' ? ko : en
}
