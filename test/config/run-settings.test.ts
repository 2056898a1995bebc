import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { choiceFromFlags } from '../../src/cli/commands/run.js'
import { main } from '../../src/cli/main.js'
import { settleChoice, unknownEnvWarnings } from '../../src/config/run-overrides.js'
import { flagAttribute, SETTINGS } from '../../src/config/run-settings.js'
import { UsageError } from '../../src/errors.js'
import { createFakeIo } from '../support/fake-io.js'

describe('the run settings table', () => {
  test('every setting has a distinct flag and BENCH_* variable', () => {
    const flags = SETTINGS.map((setting) => setting.flag)
    assert.equal(new Set(flags).size, flags.length)
    const envs = SETTINGS.flatMap((setting) => (setting.env === undefined ? [] : [setting.env]))
    assert.equal(new Set(envs).size, envs.length)
    assert.deepEqual(
      envs.filter((env) => !env.startsWith('BENCH_')),
      [],
    )
  })

  test('flag attribute names are commander camelCase', () => {
    assert.equal(flagAttribute('--max-tokens'), 'maxTokens')
    assert.equal(flagAttribute('--output-dir'), 'outputDir')
    assert.equal(flagAttribute('--rps'), 'rps')
  })

  test('run --help lists every setting with its help text from the table', async () => {
    const io = createFakeIo({ cwd: process.cwd() })
    await main(['run', '--help'], io)
    const help = io.out()
    for (const setting of SETTINGS) {
      const usage = setting.valueName === undefined ? setting.flag : `${setting.flag} ${setting.valueName}`
      assert.ok(help.includes(usage), `--help shows ${usage}`)
      // commander wraps long lines: compare the first words only.
      assert.ok(help.includes(setting.help.slice(0, 30)), `--help explains ${setting.flag}`)
    }
    assert.match(help, /--arrival <kind> +open-loop arrivals \(choices: "constant", "poisson"\)/)
    for (const setting of SETTINGS) {
      if (setting.env !== undefined) assert.ok(help.includes(`${setting.env} (${setting.flag})`), setting.env)
    }
  })

  test('choiceFromFlags maps attributes to keys, switches to true and paths to absolute', () => {
    const io = createFakeIo({ cwd: '/tmp/project' })
    const choice = choiceFromFlags(
      { duration: 30, timeout: 5, ignoreEos: true, promptFile: 'p.jsonl', outputDir: 'out', rps: 2 },
      io,
    )
    assert.deepEqual(choice, {
      durationSec: 30,
      rps: 2,
      promptFile: '/tmp/project/p.jsonl',
      ignoreEos: true,
      timeoutSec: 5,
      outputDir: '/tmp/project/out',
    })
  })
})

describe('BENCH_* variables', () => {
  test('an unknown BENCH_* variable is a warning with the closest known name', () => {
    assert.deepEqual(unknownEnvWarnings({ BENCH_DURAITON: '60', BENCH_RPS: '5', HOME: '/root' }), [
      'Unknown environment variable BENCH_DURAITON is ignored — did you mean BENCH_DURATION?',
    ])
  })

  test('an unknown BENCH_* variable far from every known name lists the known ones', () => {
    const [warning] = unknownEnvWarnings({ BENCH_XYZZY: '1' })
    assert.match(
      warning ?? '',
      /^Unknown environment variable BENCH_XYZZY is ignored — known: BENCH_TARGET, /,
    )
  })

  test('run prints the warning on stderr before anything else fails', async () => {
    const io = createFakeIo({ cwd: process.cwd(), env: { BENCH_CONCURENCY: '4', BENCH_RPS: '-1' } })
    await main(['run', '--target', 'sim'], io)
    assert.match(
      io.err(),
      /Warning: Unknown environment variable BENCH_CONCURENCY is ignored — did you mean BENCH_CONCURRENCY\?/,
    )
    assert.match(io.err(), /BENCH_RPS must be > 0 \(got -1\)/)
  })

  test('flags win over BENCH_* and both are checked together', () => {
    const settled = settleChoice({ rps: 3 }, { BENCH_RPS: '9', BENCH_CONCURRENCY: '7' })
    assert.deepEqual(settled.choice, { rps: 3, concurrency: 7 })
    assert.deepEqual(settled.sources, { rps: '--rps', concurrency: 'BENCH_CONCURRENCY' })
    assert.throws(
      () => settleChoice({ rps: 0 }, { BENCH_SEED: 'x' }),
      (error: unknown) =>
        error instanceof UsageError && /--rps/.test(error.message) && /BENCH_SEED/.test(error.message),
    )
  })
})
