// Starts llama.cpp's real llama-server on a tiny generated model for end-to-end tests. The binary is
// built by scripts/build-llama-server.sh into a cache outside the clone; tests skip when it is absent.
import { type ChildProcess, spawn } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import { buildTinyGguf } from '../../scripts/make-tiny-gguf.js'

/** Must match NLC_VERSION in scripts/build-llama-server.sh (the cache folder names it). */
const NODE_LLAMA_CPP_VERSION = '3.21.1'
const DEFAULT_MODEL_NAME = 'tiny-llama'
const DEFAULT_CTX_PER_SLOT = 512
const LOG_TAIL_CHARS = 4000

export interface LlamaServerOptions {
  /** Parallel decoding slots (-np); the server accepts more requests but queues them. */
  slots?: number
  /** Context tokens per slot; llama-server gets -c ctx*slots because it splits -c across slots. */
  ctx?: number
  extraArgs?: string[]
  /** Served model id (--alias); also the `model` field the server reports. */
  modelName?: string
  seed?: number
  readyTimeoutMs?: number
}

export interface LlamaServer {
  /** http://127.0.0.1:PORT/v1 */
  baseUrl: string
  modelName: string
  port: number
  /** The latest stdout+stderr of the server, for assertion messages. */
  logTail(): string
  close(): Promise<void>
}

/** The cached build's path, whether or not it exists. */
export function cachedLlamaServerPath(): string {
  const cacheRoot = process.env.RUN_BENCH_CACHE || join(homedir(), '.cache', 'run-bench')
  return join(cacheRoot, `llama-server-nlc-${NODE_LLAMA_CPP_VERSION}`, 'bin', 'llama-server')
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** LLAMA_SERVER_BIN if set (null when it is not executable), else the cached build, else null. */
export function findLlamaServer(): string | null {
  const fromEnv = process.env.LLAMA_SERVER_BIN
  if (fromEnv) return isExecutable(fromEnv) ? fromEnv : null
  const cached = cachedLlamaServerPath()
  return isExecutable(cached) ? cached : null
}

async function findFreePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('Could not get a free port')
  return address.port
}

// Every child still running when the test process exits is killed, so a failed test that skipped
// close() cannot leave a server behind.
const liveChildren = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL')
})

async function isHealthy(port: number): Promise<boolean> {
  try {
    const res = await request(`http://127.0.0.1:${port}/health`, { headersTimeout: 1000, bodyTimeout: 1000 })
    await res.body.dump()
    return res.statusCode === 200
  } catch {
    // Connection refused while the server is still loading: keep polling.
    return false
  }
}

async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true
  const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(true)))
  // Unreferenced so the pending timer does not hold the test process open after the child is gone.
  const timedOut = sleep(timeoutMs, false, { ref: false })
  return Promise.race([exited, timedOut])
}

/**
 * Starts llama-server with `-t 1 -np <slots> -c <ctx*slots> --no-webui` on 127.0.0.1 and a free port,
 * and resolves once GET /health answers 200. Throws when no binary is found or it does not get ready.
 */
export async function startLlamaServer(options: LlamaServerOptions = {}): Promise<LlamaServer> {
  const bin = findLlamaServer()
  if (bin === null) {
    throw new Error(`No llama-server: set LLAMA_SERVER_BIN or run scripts/build-llama-server.sh`)
  }
  const slots = options.slots ?? 4
  const ctxPerSlot = options.ctx ?? DEFAULT_CTX_PER_SLOT
  const modelName = options.modelName ?? DEFAULT_MODEL_NAME
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000

  // A fresh model file per server: generating it takes ~0.1 s and avoids races between test processes.
  const workDir = mkdtempSync(join(tmpdir(), 'run-bench-llama-'))
  const modelPath = join(workDir, 'tiny-llama.gguf')
  writeFileSync(modelPath, buildTinyGguf(options.seed ?? 1))

  const port = await findFreePort()
  const args = [
    ['-m', modelPath],
    ['--alias', modelName],
    ['--host', '127.0.0.1'],
    ['--port', String(port)],
    ['-t', '1'],
    ['-np', String(slots)],
    ['-c', String(ctxPerSlot * slots)],
    ['--no-webui'],
    options.extraArgs ?? [],
  ].flat()
  const child = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // A build that still needed shared libraries ships them next to the binary.
    env: {
      ...process.env,
      LD_LIBRARY_PATH: [dirname(bin), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    },
  })
  liveChildren.add(child)
  let log = ''
  const keepTail = (chunk: Buffer): void => {
    log = (log + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS)
  }
  child.stdout?.on('data', keepTail)
  child.stderr?.on('data', keepTail)
  let spawnError: Error | undefined
  child.once('error', (error) => {
    spawnError = error
  })

  const close = async (): Promise<void> => {
    if (liveChildren.delete(child)) {
      child.kill('SIGTERM')
      if (!(await waitForExit(child, 5000))) {
        child.kill('SIGKILL')
        await waitForExit(child, 5000)
      }
    }
    rmSync(workDir, { recursive: true, force: true })
  }

  const deadline = performance.now() + readyTimeoutMs
  while (!(await isHealthy(port))) {
    const exited = child.exitCode !== null || child.signalCode !== null
    if (spawnError !== undefined || exited || performance.now() > deadline) {
      await close()
      const why =
        spawnError?.message ?? (exited ? `exited with ${child.exitCode ?? child.signalCode}` : 'timed out')
      throw new Error(`llama-server on port ${port} did not get ready (${why}); log tail:\n${log}`)
    }
    await sleep(100)
  }

  return { baseUrl: `http://127.0.0.1:${port}/v1`, modelName, port, logTail: () => log, close }
}
