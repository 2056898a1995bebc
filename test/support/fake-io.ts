import type { Io } from '../../src/cli/io.js'

export interface FakeIo extends Io {
  out(): string
  err(): string
  /** Delivers a signal to the handlers the CLI subscribed. */
  raise(signal: 'SIGINT' | 'SIGTERM'): void
  killed: Array<'SIGINT' | 'SIGTERM'>
}

/** An Io for in-process CLI tests: captured output, a given env and cwd, fake signals. */
export function createFakeIo(options: { cwd: string; env?: Record<string, string>; tty?: boolean }): FakeIo {
  let stdout = ''
  let stderr = ''
  const handlers = new Set<(signal: 'SIGINT' | 'SIGTERM') => void>()
  const killed: Array<'SIGINT' | 'SIGTERM'> = []
  return {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env: { LANG: 'en_US.UTF-8', ...options.env },
    cwd: options.cwd,
    stdinIsTTY: options.tty ?? false,
    onSignal(handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    killNow: (signal) => killed.push(signal),
    out: () => stdout,
    err: () => stderr,
    raise(signal) {
      for (const handler of [...handlers]) handler(signal)
    },
    killed,
  }
}
