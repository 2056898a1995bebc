// Issue 12 items 7 and 10: pointing at a server by URL needs no YAML edit, and a base URL
// without /v1 stops at the probe instead of failing every request.
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { startSimServer } from '../../src/sim/server.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject } from '../support/temp-project.js'

// As the bundled models.yaml has them: the simulator's names are tied to target sim.
const MODELS = `models:
  - name: sim-llama-8b
    full_name: sim-llama-8b
    targets: [sim]
`
const TARGETS = 'targets:\n  - name: sim\n    kind: sim\n'
const SHORT = ['--requests', '3', '--duration', '0', '--concurrency', '1', '--max-tokens', '4']

async function fastSim(t: { after: (fn: () => Promise<void> | void) => void }) {
  const sim = await startSimServer({
    models: ['served-b', 'served-a'],
    prefillBaseMs: 1,
    prefillPerTokenMs: 0,
    decodeBaseMs: 1,
    decodePerSeqMs: 0,
  })
  t.after(() => sim.close())
  const project = createTempProject({ targets: TARGETS, models: MODELS })
  t.after(project.remove)
  const run = (argv: string[], env: Record<string, string> = {}) => {
    const io = createFakeIo({ cwd: project.dir, env })
    const args = [
      'run',
      ...argv,
      '--config-dir',
      project.configDir,
      '--output-dir',
      project.outputDir,
      ...SHORT,
    ]
    return main(args, io).then((code) => ({ code, out: io.out(), err: io.err() }))
  }
  return { sim, project, run }
}

function metaOf(outputDir: string) {
  const dir = join(outputDir, 'raw')
  const file = readdirSync(dir).find((name) => name.endsWith('.meta.json'))
  assert.ok(file !== undefined)
  return JSON.parse(readFileSync(join(dir, file), 'utf8'))
}

describe('a server given by URL', () => {
  test('--target URL runs an ad-hoc target named host:port with the first model the server lists', async (t) => {
    const { sim, project, run } = await fastSim(t)
    const host = new URL(sim.url).host
    const result = await run(['--target', sim.url])
    assert.equal(result.code, 0, result.err + result.out)
    assert.match(
      result.err,
      new RegExp(
        `Note: no --model given: using "served-b", the first of 2 models that ${sim.url}/models lists`,
      ),
    )
    assert.match(result.out, new RegExp(`Target: ${host}, Model: served-b`))
    const meta = metaOf(project.outputDir)
    assert.equal(meta.plan.target.name, host)
    assert.equal(meta.plan.model.fullName, 'served-b')
    assert.ok(sim.stats().received >= 3)
  })

  test('--base-url with --model takes a served name, even one models.yaml ties to another target', async (t) => {
    const { project, sim, run } = await fastSim(t)
    const result = await run(['--base-url', sim.url, '--model', 'sim-llama-8b'])
    assert.equal(result.code, 0, result.err + result.out)
    assert.equal(metaOf(project.outputDir).plan.model.fullName, 'sim-llama-8b')
  })

  test('BENCH_BASE_URL and BENCH_API_KEY work like the flags; the key stays out of the files', async (t) => {
    const { project, sim, run } = await fastSim(t)
    const result = await run(['--model', 'served-a'], {
      BENCH_BASE_URL: sim.url,
      BENCH_API_KEY: 'sk-test-key-0123456789',
    })
    assert.equal(result.code, 0, result.err + result.out)
    assert.equal(metaOf(project.outputDir).plan.target.name, new URL(sim.url).host)
    assert.doesNotMatch(result.out + result.err, /Unknown environment variable/)
    const rawDir = join(project.outputDir, 'raw')
    for (const file of readdirSync(rawDir)) {
      assert.doesNotMatch(readFileSync(join(rawDir, file), 'utf8'), /test-key-0123/, file)
    }
  })

  test('a model the server does not list is warned about with the closest listed name', async (t) => {
    const { run, sim } = await fastSim(t)
    const result = await run(['--target', sim.url, '--model', 'served-c'])
    assert.match(
      result.out,
      new RegExp(
        `⚠️  Model "served-c" is not among the 2 models ${sim.url}/models lists \\(served-b, served-a\\) — did you mean served-b\\?`,
      ),
    )
  })

  test('a base URL without /v1 stops at the probe with exit 3, names the right URL and writes no file', async (t) => {
    const { project, sim, run } = await fastSim(t)
    const origin = new URL(sim.url).origin
    const result = await run(['--base-url', origin, '--model', 'served-a'])
    assert.equal(result.code, 3, result.err + result.out)
    assert.match(
      result.err,
      new RegExp(`Error: POST ${origin}/chat/completions: HTTP 404 — did you mean ${origin}/v1\\?`),
    )
    const rawDir = join(project.outputDir, 'raw')
    assert.deepEqual(existsSync(rawDir) ? readdirSync(rawDir) : [], [])
    // The 404 came from the router: no completion request, probe or load, reached the model.
    assert.equal(sim.stats().received, 0)
  })
})
