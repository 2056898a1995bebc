// Each bench server runs in its own Node process (so its CPU is not the client's), started
// with tsx, spoken to over the IPC channel, and killed at the end.
import { type ChildProcess, fork } from 'node:child_process'

/** The canned / held-stream servers' answer to `stats`: counts since the last `reset`. */
export interface ServerStats {
  requests: number
  /** CLOCK_MONOTONIC ms of the first and last request fully read. */
  firstArrivalMs: number
  lastArrivalMs: number
  cpuMs: number
}

export interface ServerProcess {
  port: number
  baseUrl: string
  /** Sends `{ type }` and resolves with the server's reply of the same type. */
  ask<T>(type: string, extra?: Record<string, unknown>): Promise<T>
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()

/** Kills every server still running (on the way out, even after a failure). */
export function stopAllServers(): void {
  for (const child of running) child.kill('SIGKILL')
  running.clear()
}

export async function startServer(name: string, args: string[] = []): Promise<ServerProcess> {
  const file = new URL(`./servers/${name}.ts`, import.meta.url)
  const child = fork(file, args, {
    execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  running.add(child)
  const replies = new Map<
    string,
    Array<{ resolve: (message: unknown) => void; reject: (error: Error) => void }>
  >()
  child.on('message', (message: { type: string }) => {
    replies.get(message.type)?.shift()?.resolve(message)
  })
  child.once('exit', (code) => {
    for (const [type, list] of replies) {
      for (const waiting of list)
        waiting.reject(new Error(`Bench server ${name} exited (${code}) before answering ${type}`))
    }
    replies.clear()
  })
  const waitFor = (type: string) =>
    new Promise<unknown>((resolve, reject) => {
      const list = replies.get(type) ?? []
      list.push({ resolve, reject })
      replies.set(type, list)
    })
  const ready = (await waitFor('ready')) as { port: number }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    port: ready.port,
    baseUrl: `http://127.0.0.1:${ready.port}/v1`,
    async ask<T>(type: string, extra: Record<string, unknown> = {}): Promise<T> {
      const reply = waitFor(type)
      child.send({ type, ...extra })
      return (await reply) as T
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
      running.delete(child)
    },
  }
}

/**
 * Runs bench/<name>.ts in a fresh process (clean heap and RSS for memory figures) and
 * resolves with the one `{ type: 'result' }` message it sends.
 */
export function runBenchChild<T>(name: string, args: string[]): Promise<T> {
  const child = fork(new URL(`./${name}.ts`, import.meta.url), args, {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  running.add(child)
  return new Promise<T>((resolve, reject) => {
    let result: T | null = null
    child.on('message', (message: { type: string; result: T }) => {
      if (message.type === 'result') result = message.result
    })
    child.once('exit', (code) => {
      running.delete(child)
      if (result === null) reject(new Error(`bench/${name}.ts exited (${code}) without a result`))
      else resolve(result)
    })
  })
}
