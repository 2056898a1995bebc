// The CLI as a separate process (node --import tsx src/cli/bin.ts), as a shard on another
// machine would run it: its own event loop, clock and pid.
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

export const REPO_ROOT = join(import.meta.dirname, '..', '..')
export const CLI_ENTRY = join(REPO_ROOT, 'src', 'cli', 'bin.ts')
/** How a shell or a scheduler calls this checkout's CLI. */
export const CLI_PROGRAM = [process.execPath, '--import', import.meta.resolve('tsx'), CLI_ENTRY]

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliProcess {
  child: ChildProcess
  done: Promise<CliResult>
}

export function spawnCli(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; program?: readonly string[] },
): CliProcess {
  const [command = process.execPath, ...prefix] = options.program ?? CLI_PROGRAM
  const child = spawn(command, [...prefix, ...args], {
    cwd: options.cwd,
    env: { ...process.env, LANG: 'en_US.UTF-8', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text))
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  return { child, done }
}
