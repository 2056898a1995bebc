// The CLI's window on the process: tests pass fakes; bin.ts passes the real ones.

export interface OutputStream {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

export interface Io {
  stdout: OutputStream
  stderr: OutputStream
  env: Record<string, string | undefined>
  cwd: string
  /** Whether stdin is an interactive terminal (the dialog needs one). */
  stdinIsTTY: boolean
  /** Subscribe to SIGINT/SIGTERM; returns an unsubscribe function. */
  onSignal: (handler: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void
  /** Ends the process at once with the signal's default action (second Ctrl-C). */
  killNow: (signal: 'SIGINT' | 'SIGTERM') => void
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stdinIsTTY: process.stdin.isTTY === true,
    onSignal(handler) {
      const onInt = () => handler('SIGINT')
      const onTerm = () => handler('SIGTERM')
      process.on('SIGINT', onInt)
      process.on('SIGTERM', onTerm)
      return () => {
        process.off('SIGINT', onInt)
        process.off('SIGTERM', onTerm)
      }
    },
    killNow(signal) {
      // With our listeners gone, re-raising the signal takes Node's default action:
      // the process ends at once with 128 + signal number (130 for SIGINT).
      process.removeAllListeners(signal)
      process.kill(process.pid, signal)
    },
  }
}
