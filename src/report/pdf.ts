// PDF export: the self-contained HTML report printed by headless Chromium. Chromium is a
// system program, not an npm dependency (no browser downloads), so it is looked up on disk.
import { spawn } from 'node:child_process'
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { OutputError, UsageError } from '../errors.js'

const BROWSER_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']
const KNOWN_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
export const CHROMIUM_HINT = 'install Chromium: apt-get install chromium, or set CHROMIUM_PATH'

/**
 * The Chromium to print with: CHROMIUM_PATH when set, else a known path, else the first
 * browser name found on PATH. null when there is none (or CHROMIUM_PATH is not executable).
 */
export function findChromium(env: Record<string, string | undefined>): string | null {
  const explicit = env.CHROMIUM_PATH
  if (explicit !== undefined && explicit !== '') return isExecutable(explicit) ? explicit : null
  for (const path of KNOWN_PATHS) if (isExecutable(path)) return path
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue
    for (const name of BROWSER_NAMES) {
      const path = join(dir, name)
      if (isExecutable(path)) return path
    }
  }
  return null
}

/** Flags for a headless run that stays off the network and leaves no profile behind. */
export function headlessChromiumArgs(userDataDir: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-extensions',
    '--disable-dev-shm-usage',
    `--user-data-dir=${userDataDir}`,
  ]
}

export interface ChromiumResult {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs Chromium with a fresh profile directory (removed afterwards) and the given extra
 * flags; kills it after timeoutMs. Used for the PDF and by the report's browser test.
 */
export async function runHeadlessChromium(
  chromiumPath: string,
  extraArgs: string[],
  timeoutMs = 60_000,
): Promise<ChromiumResult> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'run-bench-chromium-'))
  try {
    return await new Promise<ChromiumResult>((done, fail) => {
      const child = spawn(chromiumPath, [...headlessChromiumArgs(userDataDir), ...extraArgs], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const stdout: Buffer[] = []
      const stderr: Buffer[] = []
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        fail(new OutputError(`Chromium did not finish within ${timeoutMs} ms (${chromiumPath})`))
      }, timeoutMs)
      child.on('error', (error) => {
        clearTimeout(timer)
        fail(new OutputError(`Cannot start Chromium at ${chromiumPath}: ${error.message}`, { cause: error }))
      })
      child.on('close', (code) => {
        clearTimeout(timer)
        done({
          code,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        })
      })
    })
  } finally {
    rmSync(userDataDir, { recursive: true, force: true })
  }
}

/** Prints the HTML report at htmlPath to pdfPath. chromiumPath null → a UsageError with the fix. */
export async function renderPdf(
  htmlPath: string,
  pdfPath: string,
  chromiumPath: string | null,
  timeoutMs = 60_000,
): Promise<void> {
  if (chromiumPath === null) {
    throw new UsageError('PDF output needs a headless Chromium and none was found', { hint: CHROMIUM_HINT })
  }
  const target = resolve(pdfPath)
  // A PDF left by an earlier report must not pass for this one.
  rmSync(target, { force: true })
  const result = await runHeadlessChromium(
    chromiumPath,
    [
      // Give the page's scripts time to draw the charts before printing.
      '--virtual-time-budget=5000',
      '--run-all-compositor-stages-before-draw',
      `--print-to-pdf=${target}`,
      '--no-pdf-header-footer',
      // The flag's older name, for Chromium before 111; unknown flags are ignored.
      '--print-to-pdf-no-header',
      pathToFileURL(resolve(htmlPath)).href,
    ],
    timeoutMs,
  )
  if (!startsWithPdfMagic(target)) {
    const tail = result.stderr.trim().split('\n').slice(-5).join('\n')
    throw new OutputError(`Chromium did not write a PDF to ${target} (exit code ${result.code})`, {
      hint: tail === '' ? CHROMIUM_HINT : `Chromium said:\n${tail}`,
    })
  }
}

function startsWithPdfMagic(path: string): boolean {
  if (!existsSync(path)) return false
  const fd = openSync(path, 'r')
  try {
    const head = Buffer.alloc(5)
    readSync(fd, head, 0, 5, 0)
    return head.toString('latin1') === '%PDF-'
  } finally {
    closeSync(fd)
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    // Missing or not executable: either way not a browser we can run.
    return false
  }
}
