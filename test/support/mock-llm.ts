// Starts @dwmkerr/mock-llm (an independent OpenAI-compatible mock server, a dev dependency) as
// a child process on 127.0.0.1 for end-to-end tests. It streams a fixed answer in chunks of
// `chunkSize` characters every `chunkIntervalMs` and never sends a usage chunk.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'

const LOG_TAIL_CHARS = 4000

export interface MockLlmOptions {
  /** The assistant's answer to every chat request. */
  content: string
  /** Characters per streamed chunk (mock-llm's default is 50). */
  chunkSize: number
  /** Milliseconds between chunks; the first chunk also comes one interval after the request. */
  chunkIntervalMs: number
  /** The one model GET /v1/models lists. */
  modelName?: string
  readyTimeoutMs?: number
}

export interface MockLlm {
  /** http://127.0.0.1:PORT/v1 */
  baseUrl: string
  port: number
  modelName: string
  logTail(): string
  close(): Promise<void>
}

const liveChildren = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL')
})

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

async function isReady(port: number): Promise<boolean> {
  try {
    const res = await request(`http://127.0.0.1:${port}/health`, { headersTimeout: 1000, bodyTimeout: 1000 })
    await res.body.dump()
    return res.statusCode === 200
  } catch {
    // Not listening yet.
    return false
  }
}

/**
 * mock-llm's config (YAML, written as JSON, which YAML reads): one chat rule answering
 * `content`, a model list, and the streaming settings. A rule's content is a template that
 * mock-llm renders and parses as JSON, so the response object is given as a JSON string.
 */
function configFor(options: MockLlmOptions, modelName: string): string {
  const completion = {
    id: 'chatcmpl-mock',
    object: 'chat.completion',
    model: modelName,
    choices: [{ index: 0, message: { role: 'assistant', content: options.content }, finish_reason: 'stop' }],
  }
  const models = { object: 'list', data: [{ id: modelName, object: 'model', owned_by: 'mock-llm' }] }
  return JSON.stringify({
    streaming: { chunkSize: options.chunkSize, chunkIntervalMs: options.chunkIntervalMs },
    rules: [
      {
        path: '/v1/chat/completions',
        method: 'POST',
        match: '@',
        response: { status: 200, content: JSON.stringify(completion) },
      },
      { path: '/v1/models', method: 'GET', response: { status: 200, content: JSON.stringify(models) } },
    ],
  })
}

/** Starts mock-llm on a free port and resolves once GET /health answers 200. */
export async function startMockLlm(options: MockLlmOptions): Promise<MockLlm> {
  const modelName = options.modelName ?? 'mock-model'
  const main = createRequire(import.meta.url).resolve('@dwmkerr/mock-llm')
  const workDir = mkdtempSync(join(tmpdir(), 'run-bench-mock-llm-'))
  const configPath = join(workDir, 'mock-llm.yaml')
  writeFileSync(configPath, configFor(options, modelName))
  const port = await findFreePort()
  const child = spawn(process.execPath, [main, '--config', configPath], {
    cwd: workDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
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
    if (liveChildren.delete(child) && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      await Promise.race([exited, sleep(5000, undefined, { ref: false })])
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
    rmSync(workDir, { recursive: true, force: true })
  }

  const deadline = performance.now() + (options.readyTimeoutMs ?? 20_000)
  while (!(await isReady(port))) {
    const exited = child.exitCode !== null || child.signalCode !== null
    if (spawnError !== undefined || exited || performance.now() > deadline) {
      await close()
      const why =
        spawnError?.message ?? (exited ? `exited with ${child.exitCode ?? child.signalCode}` : 'timed out')
      throw new Error(`mock-llm on port ${port} did not get ready (${why}); log tail:\n${log}`)
    }
    await sleep(50)
  }
  return { baseUrl: `http://127.0.0.1:${port}/v1`, port, modelName, logTail: () => log, close }
}
