// The words of the Markdown report, in the report's language (`report --lang ko`). Metric
// names in the tables come from the metric catalogue and stay as they are in both.

import { groupedCount } from '../stats/grouped-number.js'
import type { ReportLang } from './chart-text.js'
import { BEST_MAX_LOSS_SHARE } from './comparison.js'
import { LOW_TAIL_LABEL } from './metric-catalogue.js'

export interface MarkdownText {
  lang: ReportLang
  title: string
  generated: (at: string, version: string, runs: string) => string
  runs: (n: number) => string
  howToRead: string
  howToReadLines: string[]
  noRuns: string
  runsHeading: string
  incompleteHeading: string
  incompleteNote: (reason: string) => string
  identity: (target: string, model: string, workload: string, started: string, windowSec: string) => string
  started: (at: string) => string
  lowTailNote: string
  throughputAndRequests: string
  value: string
  requestThroughput: string
  outputTokenThroughput: string
  offeredLoad: string
  requests: string
  notSent: string
  errors: string
  none: string
  allMetrics: string
  charts: string
  comparisonBy: (dimension: string) => string
  dimension: Record<'workload' | 'model' | 'target', string>
  singleRun: (dimension: string) => string
  groupHeading: (dimension: string, key: string, runs: number) => string
  tokensEstimated: (estimated: number, total: number, list: string) => string
  noSuccess: string
  errorsHeading: string
  noErrors: string
  runConfiguration: string
}

const share = `${BEST_MAX_LOSS_SHARE * 100}%`

const en: MarkdownText = {
  lang: 'en',
  title: 'Run Bench report',
  generated: (at, version, runs) => `Generated ${at} by Run Bench ${version} · ${runs}`,
  runs: (n) => `${groupedCount(n)} run${n === 1 ? '' : 's'}`,
  howToRead: 'How to read this report',
  howToReadLines: [
    '- **Latency statistics cover successful requests only** (TTFT, total time, TPOT, ITL, queue wait, token counts). ' +
      'Success rate = ok / (ok + failed); requests aborted at the end of the run or never sent are counted apart, ' +
      'never as server failures. All are listed under Errors.',
    '- **Percentiles are exact**: every sample is kept and sorted, and percentiles are interpolated linearly ' +
      "as numpy's default method does (index = p/100 × (n − 1)).",
    '- **TTFT** is request sent → first token (reasoning tokens count); **total time** is request sent → end of stream.',
    '- **Tokens/sec** is output tokens / total time of each request. Higher is better, so its bad tail is the low one: ' +
      `its P95 and P99 columns hold the 5th and 1st percentiles, labelled "${LOW_TAIL_LABEL.p95}" and "${LOW_TAIL_LABEL.p99}".`,
    '- **Request throughput** = successful requests / measurement window; **output token throughput** = output tokens ' +
      'of successful requests / measurement window. The window runs from the first request sent to the last one ended.',
    '- In comparison tables the best value of each column is **bold**: lowest for latency, ' +
      'highest for tokens/sec, throughput and success rate; only runs of the same workload are ranked, ' +
      `and never an incomplete (interrupted) run or one with more than ${share} failed, aborted or unsent requests.`,
  ],
  noRuns: 'No runs found.',
  runsHeading: 'Runs',
  incompleteHeading: 'incomplete',
  incompleteNote: (reason) =>
    `**Incomplete run** (${reason}): it ended early; its numbers cover only the time it ran.`,
  identity: (target, model, workload, started, windowSec) =>
    `Target **${target}** · model **${model}** · workload **${workload}**${started} · window ${windowSec} s`,
  started: (at) => ` · started ${at}`,
  lowTailNote: `¹ Tokens/sec: higher is better, so its bad tail is the low one: ${LOW_TAIL_LABEL.p95}, ${LOW_TAIL_LABEL.p99}.`,
  throughputAndRequests: 'Throughput and requests',
  value: 'Value',
  requestThroughput: 'Request throughput',
  outputTokenThroughput: 'Output token throughput',
  offeredLoad: 'Offered load',
  requests: 'Requests',
  notSent: 'Not sent',
  errors: 'Errors',
  none: 'none',
  allMetrics: 'All metrics (successful requests only)',
  charts: 'Charts',
  comparisonBy: (d) => `Comparison by ${d}`,
  dimension: { workload: 'workload', model: 'model', target: 'target' },
  singleRun: (d) => `Every ${d} has a single run: nothing to compare.`,
  groupHeading: (d, key, runs) => `${d.charAt(0).toUpperCase()}${d.slice(1)}: ${key} (${runs} runs)`,
  tokensEstimated: (estimated, total, list) =>
    `Output token counts are estimated for ${estimated === total ? `all ${groupedCount(total)}` : `${groupedCount(estimated)} of ${groupedCount(total)}`} ` +
    `successful requests (usage = server-reported, tokenizer/chunks = counted here): ${list}.`,
  noSuccess: 'No request succeeded, so there are no latency statistics; see Errors.',
  errorsHeading: 'Errors',
  noErrors: 'No failed, aborted or unsent requests.',
  runConfiguration: 'Run configuration',
}

const ko: MarkdownText = {
  lang: 'ko',
  title: 'Run Bench 보고서',
  generated: (at, version, runs) => `생성: ${at}, Run Bench ${version} · ${runs}`,
  runs: (n) => `실행 ${groupedCount(n)}개`,
  howToRead: '보고서 읽는 법',
  howToReadLines: [
    '- **지연 시간 통계는 성공한 요청만** 대상으로 합니다 (TTFT, 총 응답 시간, TPOT, ITL, 대기 시간, 토큰 수). ' +
      '성공률 = 성공 / (성공 + 실패). 실행 종료로 중단되었거나 전송되지 않은 요청은 따로 세며 서버 실패로 세지 않습니다. 모두 오류 절에 나옵니다.',
    '- **백분위수는 정확값**입니다: 모든 표본을 정렬하고 numpy 기본 방식처럼 선형 보간합니다 (index = p/100 × (n − 1)).',
    '- **TTFT**는 요청 전송 → 첫 토큰 (추론 토큰 포함), **총 응답 시간**은 요청 전송 → 스트림 끝입니다.',
    '- **토큰/초**는 요청마다 출력 토큰 / 총 응답 시간입니다. 높을수록 좋으므로 나쁜 쪽 꼬리는 낮은 쪽입니다: ' +
      `P95와 P99 열은 5번째와 1번째 백분위수이며 "${LOW_TAIL_LABEL.p95}", "${LOW_TAIL_LABEL.p99}"로 표시합니다.`,
    '- **요청 처리량** = 성공한 요청 / 측정 구간, **출력 토큰 처리량** = 성공한 요청의 출력 토큰 / 측정 구간. ' +
      '측정 구간은 첫 요청 전송부터 마지막 요청 종료까지입니다.',
    '- 비교 표에서 열마다 가장 좋은 값은 **굵게** 표시합니다 (지연은 가장 낮은 값, 토큰/초·처리량·성공률은 가장 높은 값). ' +
      `같은 워크로드의 실행끼리만 비교하며, 미완료(중단된) 실행이나 실패·중단·미전송 요청이 ${share}를 넘는 실행은 표시하지 않습니다.`,
  ],
  noRuns: '실행 결과가 없습니다.',
  runsHeading: '실행',
  incompleteHeading: '미완료',
  incompleteNote: (reason) => `**미완료 실행** (${reason}): 일찍 끝났으며 수치는 실행된 시간만 다룹니다.`,
  identity: (target, model, workload, started, windowSec) =>
    `서버 **${target}** · 모델 **${model}** · 워크로드 **${workload}**${started} · 측정 구간 ${windowSec}초`,
  started: (at) => ` · 시작 ${at}`,
  lowTailNote: `¹ 토큰/초: 높을수록 좋으므로 나쁜 쪽 꼬리는 낮은 쪽입니다: ${LOW_TAIL_LABEL.p95}, ${LOW_TAIL_LABEL.p99}.`,
  throughputAndRequests: '처리량과 요청',
  value: '값',
  requestThroughput: '요청 처리량',
  outputTokenThroughput: '출력 토큰 처리량',
  offeredLoad: '제공 부하',
  requests: '요청',
  notSent: '미전송',
  errors: '오류',
  none: '없음',
  allMetrics: '전체 지표 (성공한 요청만)',
  charts: '차트',
  comparisonBy: (d) => `${d}별 비교`,
  dimension: { workload: '워크로드', model: '모델', target: '서버' },
  singleRun: (d) => `${d}마다 실행이 하나뿐이라 비교할 것이 없습니다.`,
  groupHeading: (d, key, runs) => `${d}: ${key} (실행 ${runs}개)`,
  tokensEstimated: (estimated, total, list) =>
    `출력 토큰 수는 ${estimated === total ? `성공한 요청 ${groupedCount(total)}개 모두` : `성공한 요청 ${groupedCount(total)}개 중 ${groupedCount(estimated)}개`} ` +
    `추정치입니다 (usage = 서버 보고, tokenizer/chunks = 여기서 셈): ${list}.`,
  noSuccess: '성공한 요청이 없어 지연 시간 통계가 없습니다. 오류 절을 보세요.',
  errorsHeading: '오류',
  noErrors: '실패, 중단, 미전송 요청이 없습니다.',
  runConfiguration: '실행 설정',
}

export function markdownText(lang: ReportLang = 'en'): MarkdownText {
  return lang === 'ko' ? ko : en
}
