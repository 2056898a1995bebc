import { UsageError } from '../../errors.js'
import { startSimServer } from '../../sim/server.js'
import type { SimFault, SimOptions } from '../../types.js'
import { EXIT_OK, type ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'

/** Shown after `run-bench sim --help`: the capacity the defaults model, in figures. */
export const SIM_HELP_AFTER = `
Capacity (defaults): an 8B model in FP8 on one H100 under vLLM.
  sim-llama-8b  TTFT ~9 ms at low load (60-token prompt), TPOT 3.0 ms alone, 4.75 ms at 50
                in flight, 12 ms at the max batch of 256: ~21,000 output tok/s at full batch
  sim-qwen3-4b  decode 0.6x and prefill 0.5x of the 8B (TPOT 1.8 ms alone)
  With the shipped workloads (medium prompts, 512-token answers) the 8B sustains ~32 req/s;
  low-load and medium-load are healthy, high-load (20 rps, 50 in flight) sits at the knee,
  stress-test (50 rps, 100 in flight) saturates. Each model has its own engine.

Example:
  run-bench sim --port 8000 --max-batch-size 8
  (then point a target at http://127.0.0.1:8000/v1)`

const FAULTS: readonly SimFault[] = ['http_429', 'http_500', 'error_event', 'stall', 'drop']

export interface SimFlags {
  port: number
  host: string
  maxBatchSize?: number
  decodeBaseMs?: number
  decodePerSeqMs?: number
  prefillBaseMs?: number
  prefillPerTokenMs?: number
  errorRate?: number
  faults?: string
  seed?: number
  prefixCacheTokens?: number
}

/** Runs the simulator in the foreground until Ctrl-C / SIGTERM. */
export async function simCommand(flags: SimFlags, io: Io): Promise<ExitCode> {
  const options: Partial<SimOptions> = {}
  if (flags.maxBatchSize !== undefined) options.maxBatchSize = flags.maxBatchSize
  if (flags.decodeBaseMs !== undefined) options.decodeBaseMs = flags.decodeBaseMs
  if (flags.decodePerSeqMs !== undefined) options.decodePerSeqMs = flags.decodePerSeqMs
  if (flags.prefillBaseMs !== undefined) options.prefillBaseMs = flags.prefillBaseMs
  if (flags.prefillPerTokenMs !== undefined) options.prefillPerTokenMs = flags.prefillPerTokenMs
  if (flags.errorRate !== undefined) {
    if (flags.errorRate < 0 || flags.errorRate > 1) {
      throw new UsageError(`--error-rate must be between 0 and 1 (got ${flags.errorRate})`)
    }
    options.errorRate = flags.errorRate
  }
  if (flags.faults !== undefined) {
    const faults = flags.faults
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '')
    const unknown = faults.filter((f) => !FAULTS.includes(f as SimFault))
    if (unknown.length > 0) {
      throw new UsageError(`--faults: unknown fault ${unknown.join(', ')}`, {
        hint: `valid: ${FAULTS.join(', ')}`,
      })
    }
    options.faults = faults as SimFault[]
  }
  if (flags.seed !== undefined) options.seed = flags.seed
  if (flags.prefixCacheTokens !== undefined) {
    if (flags.prefixCacheTokens < 0)
      throw new UsageError(`--prefix-cache-tokens must be >= 0 (got ${flags.prefixCacheTokens})`)
    options.prefixCacheTokens = flags.prefixCacheTokens
  }
  let server: Awaited<ReturnType<typeof startSimServer>>
  try {
    server = await startSimServer(options, { host: flags.host, port: flags.port })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new UsageError(`Cannot listen on ${flags.host}:${flags.port} (${code})`, {
      hint: 'choose another --port, or stop what is using it',
    })
  }
  io.stdout.write(`Run Bench simulator listening on ${server.url}\n`)
  io.stdout.write(`Models: ${server.options.models.join(', ')}\n`)
  io.stdout.write('Press Ctrl-C to stop.\n')
  await new Promise<void>((resolve) => {
    const unsubscribe = io.onSignal(() => {
      unsubscribe()
      resolve()
    })
  })
  await server.close()
  io.stdout.write('Simulator stopped.\n')
  return EXIT_OK
}
