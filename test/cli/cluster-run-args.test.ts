import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chooseStartAt, runArgsAfter, stripFlags, submittedRunId } from '../../src/cli/cluster-run-args.js'
import { UsageError } from '../../src/errors.js'

test('the run flags are what the user typed after the subcommand, less the submitter’s own', () => {
  const argv = [
    'slurm',
    'submit',
    '--target',
    'gw',
    '--shards',
    '4',
    '--prompt',
    'a "quoted" --wait',
    '--wait',
    '--sbatch-arg=--time=00:10:00',
    '--partition',
    'cpu',
    '--rps',
    '5',
    '--output-dir=/shared',
  ]
  assert.deepEqual(runArgsAfter(argv, ['slurm', 'submit']), [
    '--target',
    'gw',
    '--prompt',
    'a "quoted" --wait',
    '--rps',
    '5',
  ])
  assert.deepEqual(
    stripFlags(['--config-dir', 'x', '--rps', '1', '--config-dir=y'], { '--config-dir': true }),
    ['--rps', '1'],
  )
})

test('the shared start: --start-at when given (never in the past), else now + --start-in, on a whole second', () => {
  const future = Date.now() + 3_600_000
  assert.equal(chooseStartAt({ startAt: String(future) }, 60), future)
  assert.throws(() => chooseStartAt({ startAt: String(Date.now() - 5000) }, 60), UsageError)
  const before = Date.now()
  const chosen = chooseStartAt({ startIn: '30' }, 60)
  assert.equal(chosen % 1000, 0)
  assert.ok(chosen >= before + 30_000 && chosen <= Date.now() + 31_000)
  assert.throws(() => chooseStartAt({ startIn: '0' }, 60), /--start-in 0 is not a number of seconds/)
})

test('a submitted run is named from its flags and start, like a run’s files', () => {
  assert.equal(
    submittedRunId(
      { target: 'gw', model: 'Qwen/Qwen3-4B', workload: 'chat' },
      Date.UTC(2026, 11, 3, 20, 0, 5),
    ),
    'bench_gw_Qwen-Qwen3-4B_chat_20261203_200005Z',
  )
  assert.equal(submittedRunId({}, Date.UTC(2026, 11, 3, 20, 0, 5)), 'bench_20261203_200005Z')
})
