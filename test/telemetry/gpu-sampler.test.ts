import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { estimateEnergy } from '../../src/telemetry/energy.js'
import { startGpuSampler } from '../../src/telemetry/gpu-sampler.js'

// A stand-in nvidia-smi printing the documented csv,noheader,nounits format: three periods of
// two GPUs, "[N/A]" where a GPU cannot report energy, then it keeps running like -lms does.
const STAND_IN = `#!/bin/sh
if [ "$1" = "--help-query-gpu" ]; then
  echo '"power.draw" or "power.draw.instant"'
  echo '"total_energy_consumption"'
  exit 0
fi
echo "$@" > "$(dirname "$0")/args.txt"
echo "0, 100.50, 40, 1024, 45, 1410, 1000000"
echo "1, 200.00, 80, 2048, 50, 1410, [N/A]"
echo "0, 150.50, 50, 1024, 46, 1410, 1000500"
echo "1, 210.00, 81, 2048, 50, 1410, [N/A]"
echo "0, 160.00, 55, 1024, 46, [N/A], 1001500"
echo "1, 220.00, 82, 2048, 51, 1410, [N/A]"
exec sleep 30
`

function standIn(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'run-bench-smi-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'nvidia-smi')
  writeFileSync(path, STAND_IN)
  chmodSync(path, 0o755)
  return path
}

test('the nvidia-smi sampler groups lines into periods, keeps selected GPUs and reports a missing one', async (t) => {
  const command = standIn(t)
  let tick = 0
  const sampler = await startGpuSampler({
    command,
    intervalMs: 100,
    gpus: [0, 5],
    clock: () => (tick += 100),
  })
  // The stand-in prints its three periods at once, then sleeps like nvidia-smi -lms between periods.
  await new Promise((resolve) => setTimeout(resolve, 300))
  const samples = await sampler.stop()
  const args = readFileSync(join(command, '..', 'args.txt'), 'utf8').trim()
  assert.equal(
    args,
    '--query-gpu=index,power.draw,utilization.gpu,memory.used,temperature.gpu,clocks.sm,total_energy_consumption --format=csv,noheader,nounits -lms=100',
  )
  assert.equal(samples.length, 3)
  assert.deepEqual(
    samples.map((s) =>
      s.series.filter((x) => x.name === 'DCGM_FI_DEV_POWER_USAGE').map((x) => [x.labels.gpu, x.value]),
    ),
    [[['0', 100.5]], [['0', 150.5]], [['0', 160]]],
  )
  // "[N/A]" is left out, not read as 0.
  assert.equal(
    samples[2]?.series.some((x) => x.name === 'DCGM_FI_DEV_SM_CLOCK'),
    false,
  )
  assert.deepEqual(sampler.problems(), ['GPU 5 does not exist (nvidia-smi lists 0, 1)'])
  const energy = estimateEnergy(
    new Map([['nvidia-smi', samples]]),
    samples[0]?.atMs ?? 0,
    samples[2]?.atMs ?? 0,
  )
  // GPU 0's counter: 1 000 000 → 1 001 500 mJ.
  assert.equal(energy.source, 'energy_counter')
  assert.equal(energy.joules, 1.5)
  assert.equal(energy.sampleCount, 3)
})

test('all GPUs by default; a missing nvidia-smi is reported, not thrown', async (t) => {
  const command = standIn(t)
  const sampler = await startGpuSampler({ command, intervalMs: 100, clock: () => 0 })
  await new Promise((resolve) => setTimeout(resolve, 300))
  const samples = await sampler.stop()
  assert.deepEqual(
    samples[0]?.series.filter((x) => x.name === 'DCGM_FI_DEV_GPU_UTIL').map((x) => x.value),
    [40, 80],
  )
  // GPU 1 has no energy counter, so the window falls back to integrating power.
  assert.equal(estimateEnergy(new Map([['nvidia-smi', samples]]), 0, 0).source, 'power_integral')

  const missing = await startGpuSampler({
    command: '/nonexistent/nvidia-smi',
    intervalMs: 100,
    clock: () => 0,
  })
  assert.deepEqual(await missing.stop(), [])
  assert.match(
    missing.problems().join('\n'),
    /^cannot run \/nonexistent\/nvidia-smi: spawn \/nonexistent\/nvidia-smi ENOENT$/,
  )
})
