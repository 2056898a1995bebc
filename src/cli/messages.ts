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
  ttftP50: string
  inFlight: number
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
  tokensEstimated: (source: string) => string
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
  tokensEstimated: (s) => `ℹ️  Output token counts are estimated (${s}): the server sent no usage`,
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
  tokensEstimated: (s) => `ℹ️  출력 토큰 수는 추정치입니다 (${s}): 서버가 usage를 보내지 않았습니다`,
  secondInterrupt: '두 번째 중단: 즉시 종료합니다 (완료된 기록은 이미 디스크에 있습니다)',
  noSuccess: '❌ 성공한 요청이 없습니다: 위의 오류를 확인하세요',
}

export function runMessages(lang: Lang): RunMessages {
  return lang === 'ko' ? ko : en
}
