// The words of the HTML report (and the PDF printed from it), in the report's language
// (`report --lang ko`). Metric abbreviations (TTFT, P95, req/s, tok/s) are the same in both.
import type { ReportLang } from './chart-text.js'
import { BEST_MAX_LOSS_SHARE, BEST_RULE } from './comparison.js'

export interface HtmlText {
  htmlLang: string
  title: string
  runs: (n: number) => string
  generated: (at: string, version: string, runs: string) => string
  statisticsNote: string
  latency: string
  throughputAndReliability: string
  errors: string
  comparisons: string
  bestRule: string
  sameGroup: (dimension: string, key: string) => string
  dimension: Record<'workload' | 'model' | 'target', string>
  nothingToCompare: string
  charts: string
  runConfiguration: string
  run: string
  incompleteRun: (reason: string) => string
  clientLimited: (runId: string, reasons: string) => string
  latencyHeaders: string[]
  throughputHeaders: string[]
  errorHeaders: string[]
  comparisonHeaders: string[]
  none: string
  configKeys: Record<'run' | 'startedAt' | 'window' | 'offered' | 'concurrency' | 'incomplete', string>
  closedLoop: string
}

export const STATISTICS_NOTE =
  'Latency statistics are over successful requests only; percentiles are exact (numpy linear interpolation). ' +
  'For tokens/sec the bad tail is the low one: P5 and P1 are the 5th and 1st percentiles.'

const en: HtmlText = {
  htmlLang: 'en',
  title: 'Run Bench report',
  runs: (n) => `${n} ${n === 1 ? 'run' : 'runs'}`,
  generated: (at, version, runs) => `Generated ${at} by run-bench ${version} · ${runs}`,
  statisticsNote: STATISTICS_NOTE,
  latency: 'Latency',
  throughputAndReliability: 'Throughput and reliability',
  errors: 'Errors',
  comparisons: 'Comparisons',
  bestRule: BEST_RULE,
  sameGroup: (dimension, key) => `Same ${dimension}: ${key}`,
  dimension: { workload: 'workload', model: 'model', target: 'target' },
  nothingToCompare: 'No workload, model or target was run more than once: nothing to compare.',
  charts: 'Charts',
  runConfiguration: 'Run configuration',
  run: 'Run',
  incompleteRun: (reason) => `incomplete: ${reason}`,
  clientLimited: (runId, reasons) => `The load generator itself was a bottleneck in ${runId}: ${reasons}`,
  latencyHeaders: [
    'TTFT mean (ms)',
    'TTFT median (ms)',
    'TTFT P95 (ms)',
    'TTFT P99 (ms)',
    'Total time mean (s)',
    'Total time median (s)',
    'Total time P95 (s)',
    'Total time P99 (s)',
  ],
  throughputHeaders: [
    'Requests ok / total',
    'Success',
    'Tokens/s mean',
    'Tokens/s median',
    'Tokens/s P5 (low)',
    'Tokens/s P1 (low)',
    'Req/s',
    'Output tok/s',
    'Errors by outcome',
  ],
  errorHeaders: ['Outcome', 'Error code', 'HTTP status', 'Count', 'Examples'],
  comparisonHeaders: [
    'TTFT median (ms)',
    'TTFT P95 (ms)',
    'Total time P95 (s)',
    'Tokens/s mean',
    'Req/s',
    'Output tok/s',
    'Success',
  ],
  none: 'none',
  configKeys: {
    run: 'run',
    startedAt: 'started at',
    window: 'window (s)',
    offered: 'offered req/s',
    concurrency: 'concurrency',
    incomplete: 'incomplete',
  },
  closedLoop: 'closed loop',
}

const share = `${BEST_MAX_LOSS_SHARE * 100}%`

const ko: HtmlText = {
  htmlLang: 'ko',
  title: 'Run Bench 보고서',
  runs: (n) => `실행 ${n}개`,
  generated: (at, version, runs) => `생성: ${at}, run-bench ${version} · ${runs}`,
  statisticsNote:
    '지연 시간 통계는 성공한 요청만 대상으로 합니다. 백분위수는 정확값입니다 (numpy 선형 보간). ' +
    '토큰/초는 낮을수록 나쁘므로 P5와 P1은 5번째와 1번째 백분위수입니다.',
  latency: '지연 시간',
  throughputAndReliability: '처리량과 안정성',
  errors: '오류',
  comparisons: '비교',
  bestRule:
    `굵게: 열에서 가장 좋은 값 (지연은 가장 낮은 값, 처리량과 성공률은 가장 높은 값). 같은 워크로드의 완료된 실행 중에서만, ` +
    `실패가 성공+실패의 ${share} 이하이고 중단·미전송 요청이 전체의 ${share} 이하인 실행만 표시합니다.`,
  sameGroup: (dimension, key) => `같은 ${dimension}: ${key}`,
  dimension: { workload: '워크로드', model: '모델', target: '서버' },
  nothingToCompare: '두 번 이상 실행된 워크로드, 모델, 서버가 없어 비교할 것이 없습니다.',
  charts: '차트',
  runConfiguration: '실행 설정',
  run: '실행',
  incompleteRun: (reason) => `미완료: ${reason}`,
  clientLimited: (runId, reasons) => `${runId}에서 부하 생성기 자체가 병목이었습니다: ${reasons}`,
  latencyHeaders: [
    'TTFT 평균 (ms)',
    'TTFT 중앙값 (ms)',
    'TTFT P95 (ms)',
    'TTFT P99 (ms)',
    '총 응답 시간 평균 (s)',
    '총 응답 시간 중앙값 (s)',
    '총 응답 시간 P95 (s)',
    '총 응답 시간 P99 (s)',
  ],
  throughputHeaders: [
    '성공 / 전체 요청',
    '성공률',
    '토큰/초 평균',
    '토큰/초 중앙값',
    '토큰/초 P5 (낮은 쪽)',
    '토큰/초 P1 (낮은 쪽)',
    'req/s',
    '출력 tok/s',
    '결과별 오류',
  ],
  errorHeaders: ['결과', '오류 코드', 'HTTP 상태', '개수', '예시'],
  comparisonHeaders: [
    'TTFT 중앙값 (ms)',
    'TTFT P95 (ms)',
    '총 응답 시간 P95 (s)',
    '토큰/초 평균',
    'req/s',
    '출력 tok/s',
    '성공률',
  ],
  none: '없음',
  configKeys: {
    run: '실행',
    startedAt: '시작 시각',
    window: '측정 구간 (s)',
    offered: '제공 req/s',
    concurrency: '동시성',
    incomplete: '미완료',
  },
  closedLoop: '폐쇄 루프',
}

export function htmlText(lang: ReportLang = 'en'): HtmlText {
  return lang === 'ko' ? ko : en
}
