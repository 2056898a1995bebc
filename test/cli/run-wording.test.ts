// Issue 12 items 5 and 13: the run's own lines say what happened in the user's language.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { runMessages } from '../../src/cli/messages.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject } from '../support/temp-project.js'

const TARGETS = `targets:
  - name: sim
    kind: sim
    sim: { max_batch_size: 4, prefill_base_ms: 1, prefill_per_token_ms: 0, decode_base_ms: 1, decode_per_seq_ms: 0 }
`
const WORKLOADS = `workloads:
  - name: 짧은테스트
    duration: 1
    rps: 8
    concurrency: 4
    max_tokens: 16
    prompt_type: short
  - name: closed
    requests: 4
    concurrency: 2
    max_tokens: 8
    prompt_type: short
`

test('Korean mode: the plan line and the run header are Korean, no English left', async (t) => {
  const project = createTempProject({ targets: TARGETS, workloads: WORKLOADS })
  t.after(project.remove)
  const io = createFakeIo({ cwd: project.dir })
  const argv = ['run', '--config-dir', project.configDir, '--output-dir', project.outputDir, '--lang', 'ko']
  assert.equal(await main([...argv, '--workload', '짧은테스트'], io), 0, io.err() + io.out())
  const plan = io
    .out()
    .split('\n')
    .find((line) => line.startsWith('계획: '))
  assert.match(
    plan ?? '',
    /^계획: 일정 간격 도착 @ 8\.00 req\/s, 1초 동안, 동시 최대 4개, max_tokens 16, chat API → 내장 시뮬레이터 \(http:\/\/127\.0\.0\.1:\d+\/v1\)$/,
  )
  // Hangul stays in the result file names.
  assert.match(io.out(), /bench_sim_[^/\s]+_짧은테스트_\d{8}_\d{6}\.jsonl/)

  const closed = createFakeIo({ cwd: project.dir })
  assert.equal(await main([...argv, '--workload', 'closed'], closed), 0, closed.err() + closed.out())
  const out = closed.out()
  assert.match(out, /RPS: 폐쇄 루프, 동시성: 2/)
  assert.match(out, /계획: 폐쇄 루프, 워커 2개, 최대 요청 4개, max_tokens 8, chat API → 내장 시뮬레이터/)
})

test('token counts estimated for every request say so, in both languages', () => {
  assert.equal(
    runMessages('en').tokensEstimated('tokenizer', '20', '20', true),
    'ℹ️  Output token counts are estimated for all 20 successful requests (tokenizer): the server sent no usage',
  )
  assert.equal(
    runMessages('en').tokensEstimated('tokenizer', '5', '20', false),
    'ℹ️  Output token counts are estimated for 5 of 20 successful requests (tokenizer): the server sent no usage for those',
  )
  assert.equal(
    runMessages('ko').tokensEstimated('tokenizer', '20', '20', true),
    'ℹ️  출력 토큰 수는 성공한 요청 20개 모두 추정치입니다 (tokenizer): 서버가 usage를 보내지 않았습니다',
  )
})
