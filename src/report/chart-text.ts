// The words of the charts, in the report's language (`report --lang ko`). Metric names that
// are also column names elsewhere (TTFT, req/s, tok/s) stay as they are in both languages.
import type { RunNameWords } from './run-names.js'

export type ReportLang = 'en' | 'ko'

export interface ChartText extends RunNameWords {
  ttftCdfTitle: string
  shareOfRequests: string
  latencyTitle: (run: string) => string
  totalTimeMs: string
  throughputTitle: (run: string) => string
  successfulReqPerSec: string
  outputTokPerSec: string
  failuresTitle: (run: string) => string
  failureRate: string
  failedRequests: string
  abortedRequests: string
  notSentRequests: string
  requests: string
  timeAxis: string
  vsOfferedTitle: string
  offeredReqPerSec: string
  achievedReqPerSec: string
  achievedEqualsOffered: string
  vsConcurrencyTitle: string
  concurrency: string
  tokensPerSecTitle: string
  tokensPerSecMean: string
}

const en: ChartText = {
  closedLoop: 'closed loop',
  incomplete: 'incomplete',
  ttftCdfTitle: 'TTFT distribution (CDF, successful requests, log scale)',
  shareOfRequests: '% of requests ≤ x',
  latencyTitle: (run) => `Latency over time: ${run}`,
  totalTimeMs: 'total time (ms)',
  throughputTitle: (run) => `Throughput over time: ${run}`,
  successfulReqPerSec: 'successful req/s',
  outputTokPerSec: 'output tok/s',
  failuresTitle: (run) => `Failures over time: ${run}`,
  failureRate: 'failure rate (%)',
  failedRequests: 'failed requests',
  abortedRequests: 'aborted (cut by the end of the run)',
  notSentRequests: 'not sent (client limit)',
  requests: 'requests',
  timeAxis: 'time since start (s), by request end',
  vsOfferedTitle: 'Achieved throughput vs offered load (open loop)',
  offeredReqPerSec: 'offered req/s',
  achievedReqPerSec: 'achieved req/s (successful)',
  achievedEqualsOffered: 'achieved = offered',
  vsConcurrencyTitle: 'Achieved throughput vs concurrency (closed loop)',
  concurrency: 'concurrency (workers)',
  tokensPerSecTitle: 'Tokens/sec per request (mean), one bar per run',
  tokensPerSecMean: 'tokens/s (mean)',
}

const ko: ChartText = {
  closedLoop: '폐쇄 루프',
  incomplete: '미완료',
  ttftCdfTitle: 'TTFT 분포 (누적, 성공한 요청, 로그 축)',
  shareOfRequests: 'x 이하인 요청 비율 (%)',
  latencyTitle: (run) => `시간별 지연: ${run}`,
  totalTimeMs: '총 응답 시간 (ms)',
  throughputTitle: (run) => `시간별 처리량: ${run}`,
  successfulReqPerSec: '성공 req/s',
  outputTokPerSec: '출력 tok/s',
  failuresTitle: (run) => `시간별 실패: ${run}`,
  failureRate: '실패율 (%)',
  failedRequests: '실패한 요청',
  abortedRequests: '중단 (실행 종료로 끊김)',
  notSentRequests: '미전송 (클라이언트 한계)',
  requests: '요청 수',
  timeAxis: '시작 후 시간 (s), 요청 종료 기준',
  vsOfferedTitle: '제공 부하 대비 달성 처리량 (오픈 루프)',
  offeredReqPerSec: '제공 req/s',
  achievedReqPerSec: '달성 req/s (성공)',
  achievedEqualsOffered: '달성 = 제공',
  vsConcurrencyTitle: '동시성 대비 달성 처리량 (폐쇄 루프)',
  concurrency: '동시성 (워커 수)',
  tokensPerSecTitle: '요청당 토큰/초 (평균), 실행마다 막대 하나',
  tokensPerSecMean: '토큰/초 (평균)',
}

export function chartText(lang: ReportLang = 'en'): ChartText {
  return lang === 'ko' ? ko : en
}
