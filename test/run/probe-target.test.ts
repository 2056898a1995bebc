import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatProbeNote } from '../../src/cli/probe-messages.js'
import { loadConfig } from '../../src/config/load-config.js'
import { resolveRun } from '../../src/config/resolve-run.js'
import { buildPlan } from '../../src/run/build-plan.js'
import { adaptToCapabilities } from '../../src/run/probe-target.js'
import type { ServerCapabilities } from '../../src/types.js'
import { createTempProject } from '../support/temp-project.js'

// The adaptation is data (run/), its words are cli/'s: a server without usage, ignore_eos
// or keep-alive changes the plan and yields one note per change, in this order.
const BARE: ServerCapabilities = {
  includeUsage: false,
  ignoreEos: false,
  minTokens: false,
  reasoningField: null,
  roleOnlyFirstChunk: true,
  keepAlive: false,
}

function planFor(t: { after: (fn: () => void) => void }) {
  const project = createTempProject({
    targets: 'targets:\n  - name: local\n    base_url: http://127.0.0.1:9/v1\n',
    workloads:
      'workloads:\n  - name: w\n    requests: 4\n    concurrency: 2\n    max_tokens: 8\n    prompt_type: short\n    ignore_eos: true\n',
  })
  t.after(project.remove)
  const config = loadConfig({ configDir: project.configDir, env: {} })
  return buildPlan(resolveRun(config, { model: 'org/model' }, {}), project.dir)
}

test('a bare server drops ignore_eos and keep-alive from the plan, and says so in order', (t) => {
  const plan = planFor(t)
  assert.equal(plan.workload.ignoreEos, true)
  assert.equal(plan.target.keepalive, true)
  const adapted = adaptToCapabilities(plan, BARE, false)
  assert.equal(adapted.plan.workload.ignoreEos, false)
  assert.equal(adapted.plan.target.keepalive, false)
  assert.deepEqual(
    adapted.notes.map((note) => formatProbeNote(note, 'en')),
    [
      'Server capabilities: usage ✗ · ignore_eos ✗ · min_tokens ✗ · role-only first chunk ✓ · keep-alive ✗ · reasoning field -',
      'ℹ️  The server sends no usage: output token counts will be estimated from the chunk count',
      'ℹ️  The server does not honour ignore_eos: it is not sent, so answers may end before max_tokens',
      'ℹ️  The server closes its connection after each streamed response: every request is sent with connection: close',
    ],
  )
  assert.equal(
    formatProbeNote({ kind: 'no_usage', byTokenizer: true }, 'ko'),
    'ℹ️  서버가 usage를 보내지 않습니다: 출력 토큰 수는 토크나이저로 추정합니다',
  )
})

test('a server with every capability leaves the plan as it is: one capabilities note', (t) => {
  const plan = planFor(t)
  const full: ServerCapabilities = { ...BARE, includeUsage: true, ignoreEos: true, keepAlive: true }
  const adapted = adaptToCapabilities(plan, full, true)
  assert.equal(adapted.plan, plan)
  assert.deepEqual(
    adapted.notes.map((note) => note.kind),
    ['capabilities'],
  )
})
