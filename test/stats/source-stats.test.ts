import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildRecord, emptyObservation } from '../../src/client/build-record.js'
import type { SourceRecordFields } from '../../src/client/send-request.js'
import { summarize } from '../../src/stats/summarize.js'
import type { Outcome, RequestRecord } from '../../src/types.js'

const info = {
  runId: 'r',
  target: 't',
  model: 'm',
  workload: 'w',
  startedAt: '2026-12-03T00:00:00.000Z',
  offeredRps: null,
  concurrency: 1,
  clientHealth: null,
}

/** One record as the client builds it: outcome, TTFT, server usage counts and source fields. */
function record(
  id: number,
  outcome: Outcome,
  fields: SourceRecordFields,
  usage: { input: number | null; output: number; ttftMs: number },
): RequestRecord {
  const observation = emptyObservation({
    runStartEpochMs: 0,
    outcome,
    errorCode: outcome === 'ok' ? null : 'HTTP_500',
    error: outcome === 'ok' ? null : 'failed',
    sentAtMs: id * 100,
    endedAtMs: id * 100 + 50,
  })
  return buildRecord(
    { requestId: id, model: 'm', prompt: 'p', scheduledAtMs: null, sourceFields: fields },
    {
      ...observation,
      firstTokenAtMs: outcome === 'ok' ? id * 100 + usage.ttftMs : null,
      outputTokens: usage.output,
      tokensSource: 'usage',
      inputTokens: usage.input,
    },
  )
}

describe('prompt-source statistics', () => {
  test('usage vs requested input, output met, TTFT by turn, sessions counted once', () => {
    const session = (id: number, turn: number, turns = 3) => ({ session_id: id, turn, session_turns: turns })
    const records = [
      // Session 0: three turns, all ok: completed.
      record(
        0,
        'ok',
        {
          requested_input_tokens: 100,
          requested_output_tokens: 8,
          exact_output: 'ignore_eos',
          ...session(0, 1),
        },
        { input: 112, output: 8, ttftMs: 10 },
      ),
      record(
        1,
        'ok',
        { requested_output_tokens: 8, exact_output: 'ignore_eos', ...session(0, 2) },
        { input: 240, output: 8, ttftMs: 20 },
      ),
      record(
        2,
        'ok',
        { requested_output_tokens: 8, exact_output: 'ignore_eos', ...session(0, 3) },
        { input: 380, output: 7, ttftMs: 30 },
      ),
      // Session 1: turn 2 fails, which ends it: failed, once.
      record(
        3,
        'ok',
        {
          requested_input_tokens: 50,
          requested_output_tokens: 8,
          exact_output: 'ignore_eos',
          ...session(1, 1),
        },
        { input: 60, output: 8, ttftMs: 14 },
      ),
      record(
        4,
        'http_error',
        { requested_output_tokens: 8, exact_output: 'ignore_eos', ...session(1, 2) },
        { input: null, output: 0, ttftMs: 0 },
      ),
      // Session 2: turn 1 ok, then the run ended: cut.
      record(
        5,
        'ok',
        {
          requested_input_tokens: 70,
          requested_output_tokens: 8,
          exact_output: 'ignore_eos',
          ...session(2, 1),
        },
        { input: 70, output: 8, ttftMs: 12 },
      ),
    ]
    const stats = summarize(records, info).sources
    assert.deepEqual(stats?.promptTokensVsRequested, {
      count: 3,
      // 112 − 100 = +12, 60 − 50 = +10, 70 − 70 = 0
      exact: 1,
      meanDiff: 22 / 3,
      minDiff: 0,
      maxDiff: 12,
    })
    // Five successful requests asked for 8 tokens; the one with 7 missed.
    assert.deepEqual(stats?.outputTokensVsRequested, { count: 5, met: 4 })
    assert.deepEqual(
      stats?.ttftByTurn.map(({ turn, ttftMs }) => [turn, ttftMs.count, ttftMs.p50]),
      [
        [1, 3, 12],
        [2, 1, 20],
        [3, 1, 30],
      ],
    )
    assert.deepEqual(stats?.sessions, { started: 3, completed: 1, failed: 1, cut: 1 })
    assert.equal(records[2]?.requested_output_met, false)
    assert.equal(records[4]?.requested_output_met, null)
  })

  test('records without source fields add nothing to the summary', () => {
    const plain = record(0, 'ok', {}, { input: 10, output: 4, ttftMs: 5 })
    assert.equal('sources' in summarize([plain], info), false)
    assert.equal('requested_output_met' in plain, false)
  })
})
