import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { renderRunSummaryTable } from '../../src/cli/run-summary-table.js'
import { serverTerminalLines } from '../../src/report/server-section.js'
import { parseExposition } from '../../src/telemetry/prom-text.js'
import type { TelemetrySample } from '../../src/telemetry/sample.js'
import { summarizeTelemetry } from '../../src/telemetry/telemetry-summary.js'
import { summary } from '../support/summary-fixture.js'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'metrics')

function sample(source: string, atMs: number, file: string): TelemetrySample {
  const exposition = parseExposition(readFileSync(join(FIXTURES, file), 'utf8'))
  return { source, atMs, durationMs: 1, ok: true, error: null, ...exposition }
}

const SERVER = summarizeTelemetry({
  samples: [
    sample('http://vllm:8000/metrics', 1000, 'vllm-before.prom'),
    sample('http://vllm:8000/metrics', 11_000, 'vllm-after.prom'),
    sample('http://gpu:9400/metrics', 1000, 'dcgm-before.prom'),
    sample('http://gpu:9400/metrics', 11_000, 'dcgm-after.prom'),
  ],
  windowStartMs: 1000,
  windowEndMs: 11_000,
  client: { outputTokens: 600, inputTokens: 3000, okRequests: 20 },
})

// Labels padded by terminal columns: a Hangul syllable takes two.
const KO_LINES = [
  '서버 측 (dcgm, vllm):',
  '  줄당 출력 토큰                    0.120',
  '  평균 GPU 전력                     500.0 W',
  '  에너지 출처                       에너지 카운터 증가분, 샘플 2개, 최대 간격 10000 ms',
  '  서버/클라이언트 출력 토큰 일치율  100.0 % (서버 집계 600)',
  '  프리픽스 캐시 적중률              60.0 %',
]

test('the terminal server lines follow --lang ko; English stays as it was', () => {
  assert.deepEqual(serverTerminalLines(SERVER, 'ko'), KO_LINES)
  assert.deepEqual(serverTerminalLines(SERVER), [
    'Server side (dcgm, vllm):',
    '  Output tokens per joule               0.120',
    '  Average GPU power                     500.0 W',
    '  Energy source                         energy counter delta, 2 samples, largest gap 10000 ms',
    '  Server/client output token agreement  100.0 % (server counted 600)',
    '  Prefix-cache hit rate                 60.0 %',
  ])
  assert.deepEqual(serverTerminalLines(null, 'ko'), ['서버 텔레메트리 없음: 이 실행에서는 수집하지 않음'])
})

test('the run summary table passes its language to the server lines', () => {
  const run = summary({ runId: 'r', model: 'm', workload: 'w', server: SERVER })
  const ko = renderRunSummaryTable(run, 'ko').split('\n')
  const at = ko.indexOf(KO_LINES[0] as string)
  assert.ok(at > 0, ko.join('\n'))
  assert.deepEqual(ko.slice(at, at + KO_LINES.length), KO_LINES)
  assert.ok(!ko.some((line) => line.includes('Server side') || line.includes('tokens per joule')))
  assert.ok(renderRunSummaryTable(run, 'en').includes('Server side (dcgm, vllm):'))
})
