// Issue 12 item 12: a config the user trimmed still works. Removing `sim` from targets.yaml
// leaves the bundled models tied to it as a warning, not an error for every command; a
// folder holding only targets.yaml borrows the bundled workloads.yaml (and says so); a
// folder that does not exist is one clear error; a misspelt BENCH_* variable is warned about.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { loadConfig } from '../../src/config/load-config.js'
import { findPackageRoot } from '../../src/config/package-root.js'
import { unknownEnvWarnings } from '../../src/config/run-overrides.js'
import { ConfigError } from '../../src/errors.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject } from '../support/temp-project.js'

const BUNDLED = join(findPackageRoot(), 'configs')
const NO_SIM = `targets:
  - name: vllm-local
    base_url: http://127.0.0.1:9/v1
`

describe('a trimmed config', () => {
  test('targets.yaml without sim and the bundled models.yaml: loads, with one warning per sim model', (t) => {
    const project = createTempProject({
      targets: NO_SIM,
      models: readFileSync(join(BUNDLED, 'models.yaml'), 'utf8'),
    })
    t.after(project.remove)
    const config = loadConfig({ configDir: project.configDir, env: {} })
    assert.deepEqual(
      config.targets.map((target) => target.name),
      ['vllm-local'],
    )
    assert.deepEqual(
      config.warnings,
      [
        'configs/models.yaml: models[sim-llama-8b].targets[0]: names no target in targets.yaml (got "sim"): the model is not offered for it; known targets: vllm-local',
        'configs/models.yaml: models[sim-qwen3-4b].targets[0]: names no target in targets.yaml (got "sim"): the model is not offered for it; known targets: vllm-local',
      ].map((line) => line.replace('configs/', `${project.configDir}/`)),
    )
  })

  test('`models` with such a config runs (exit 0) and prints the warning on stderr', async (t) => {
    const project = createTempProject({
      targets: NO_SIM,
      models: readFileSync(join(BUNDLED, 'models.yaml'), 'utf8'),
    })
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    // vllm-local is not running: models skips it and still lists models.yaml's entries.
    const code = await main(['models', '--config-dir', project.configDir], io)
    assert.notEqual(code, 2, io.err())
    assert.match(io.err(), /Warning: .*models\.yaml: models\[sim-llama-8b\]\.targets\[0\]: names no target/)
  })

  test('a folder with only targets.yaml takes the bundled workloads.yaml and says so', async (t) => {
    const project = createTempProject({ models: null, workloads: null })
    t.after(project.remove)
    const config = loadConfig({ configDir: project.configDir, env: {} })
    const bundledWorkloads = loadConfig({ configDir: BUNDLED, env: {} }).workloads
    assert.deepEqual(config.workloads, bundledWorkloads)
    assert.equal(config.defaultWorkload, 'high-load-5min')
    assert.deepEqual(config.notes, [
      `${project.configDir} has no workloads.yaml: using the bundled ${join(BUNDLED, 'workloads.yaml')}`,
    ])
    const io = createFakeIo({ cwd: '/' })
    await main(['run', '--config-dir', project.configDir, '--model', 'org/m', '--workload', 'no-such'], io)
    assert.match(io.err(), /^Note: .* has no workloads\.yaml: using the bundled /m)
    assert.match(io.err(), /Unknown workload "no-such"/)
  })

  test('a config folder that does not exist is one error naming the folder', async (t) => {
    const project = createTempProject()
    t.after(project.remove)
    const missing = join(project.dir, 'nope')
    assert.throws(
      () => loadConfig({ configDir: missing, env: {} }),
      (error) => error instanceof ConfigError && error.message === `Config folder ${missing} does not exist`,
    )
    const io = createFakeIo({ cwd: '/' })
    assert.equal(await main(['run', '--config-dir', missing], io), 2)
    assert.equal(
      io
        .err()
        .split('\n')
        .filter((line) => line.startsWith('Error:')).length,
      1,
    )
    assert.doesNotMatch(io.err(), /file not found/)
  })
})

describe('misspelt environment variables', () => {
  test('BENCH_DURAITON=2 is warned about with did-you-mean BENCH_DURATION', async (t) => {
    assert.deepEqual(unknownEnvWarnings({ BENCH_DURAITON: '2' }), [
      'Unknown environment variable BENCH_DURAITON is ignored — did you mean BENCH_DURATION?',
    ])
    const project = createTempProject({ workloads: 'workloads:\n  - name: quick\n    duration: 5\n' })
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir, env: { BENCH_DURAITON: '2' } })
    // An unknown workload stops the run right after the warnings: nothing is sent.
    await main(['run', '--config-dir', project.configDir, '--workload', 'none'], io)
    assert.match(
      io.err(),
      /^Warning: Unknown environment variable BENCH_DURAITON is ignored — did you mean BENCH_DURATION\?$/m,
    )
  })

  test('BENCH_BASE_URL and BENCH_API_KEY are known variables', () => {
    assert.deepEqual(unknownEnvWarnings({ BENCH_BASE_URL: 'http://127.0.0.1:1/v1', BENCH_API_KEY: 'k' }), [])
  })
})
