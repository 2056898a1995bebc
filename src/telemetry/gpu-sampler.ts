// The local GPU sampler: a child `nvidia-smi … -lms N` when Run Bench runs on the GPU server.
// Lines come one per GPU per period; a repeated GPU index starts the next period, and one
// period becomes one sample (all selected GPUs at one client timestamp). A missing binary,
// a GPU index that does not exist or a malformed line is reported, never thrown.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { parseSmiLine, SMI_ENERGY_FIELD, SMI_FIELDS, type SmiField, smiArgs } from './nvidia-smi-csv.js'
import type { PromSeries } from './prom-text.js'
import type { TelemetrySample } from './sample.js'

export interface GpuSamplerOptions {
  intervalMs: number
  clock: () => number
  /** GPU indices serving the model; all when absent. */
  gpus?: readonly number[]
  /** The nvidia-smi executable (a stand-in in tests). */
  command?: string
  onSample?: (sample: TelemetrySample) => void
}

export interface GpuSampler {
  samples(): TelemetrySample[]
  /** What went wrong so far: no nvidia-smi, unknown GPU indices, bad lines. */
  problems(): string[]
  stop(): Promise<TelemetrySample[]>
}

export const SMI_SOURCE = 'nvidia-smi'

/** Asks nvidia-smi which fields it knows, to add the energy counter only where it exists. */
function queryFields(command: string): Promise<SmiField[]> {
  return new Promise((resolve) => {
    execFile(command, ['--help-query-gpu'], { timeout: 5_000 }, (error, stdout) => {
      const known = error === null && /"?total_energy_consumption"?/.test(stdout)
      resolve(known ? [...SMI_FIELDS, SMI_ENERGY_FIELD] : [...SMI_FIELDS])
    })
  })
}

export async function startGpuSampler(options: GpuSamplerOptions): Promise<GpuSampler> {
  const command = options.command ?? 'nvidia-smi'
  const taken: TelemetrySample[] = []
  const problems: string[] = []
  const note = (problem: string) => {
    if (problems.length < 20 && !problems.includes(problem)) problems.push(problem)
  }
  const fields = await queryFields(command)
  const wanted = options.gpus === undefined ? null : new Set(options.gpus.map(String))
  let period: { atMs: number; gpus: Set<string>; series: PromSeries[]; problems: string[] } | null = null
  let checkedIndices = false

  function flush(): void {
    if (period === null) return
    if (!checkedIndices && wanted !== null) {
      checkedIndices = true
      const seen = period.gpus
      for (const gpu of wanted) {
        if (!seen.has(gpu))
          note(`GPU ${gpu} does not exist (nvidia-smi lists ${[...seen].join(', ') || 'none'})`)
      }
    }
    const sample: TelemetrySample = {
      source: SMI_SOURCE,
      atMs: period.atMs,
      durationMs: 0,
      ok: period.series.length > 0,
      error: period.series.length > 0 ? null : 'no selected GPU reported a value',
      series: period.series,
      histograms: [],
      problems: [...period.problems, ...problems],
    }
    period = null
    taken.push(sample)
    options.onSample?.(sample)
  }

  function onLine(line: string): void {
    if (line.trim() === '') return
    const parsed = parseSmiLine(line, fields)
    const atMs = options.clock()
    if (!parsed.ok) {
      note(parsed.problem)
      return
    }
    if (period?.gpus.has(parsed.gpu)) flush()
    period ??= { atMs, gpus: new Set(), series: [], problems: [] }
    period.gpus.add(parsed.gpu)
    if (wanted === null || wanted.has(parsed.gpu)) period.series.push(...parsed.series)
  }

  let child: ChildProcess | null = null
  let exited: Promise<void> = Promise.resolve()
  try {
    child = spawn(command, smiArgs(fields, options.intervalMs), { stdio: ['ignore', 'pipe', 'pipe'] })
    const running = child
    exited = new Promise<void>((resolve) => {
      running.once('error', (error) => {
        note(`cannot run ${command}: ${error.message}`)
        resolve()
      })
      running.once('close', (code, signal) => {
        if (code !== 0 && code !== null && signal === null) note(`${command} exited with code ${code}`)
        resolve()
      })
    })
    createInterface({ input: running.stdout as NodeJS.ReadableStream }).on('line', onLine)
    let stderr = ''
    running.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
      const first = stderr.trim().split('\n')[0]
      if (first) note(`${command}: ${first.slice(0, 160)}`)
    })
  } catch (error) {
    note(`cannot run ${command}: ${(error as Error).message}`)
  }

  return {
    samples: () => [...taken],
    problems: () => [...problems],
    async stop() {
      // A spawn that failed (no nvidia-smi) has no pid: its handle's kill() would be kill(0),
      // which signals this whole process group (the user's shell pipeline, a test runner).
      const running =
        child !== null && child.pid !== undefined && child.exitCode === null && child.signalCode === null
      if (running) child?.kill('SIGTERM')
      await exited
      flush()
      return [...taken]
    },
  }
}
