// `run-bench compare A B`: the A/B table in the terminal, and as Markdown / HTML reports.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { UsageError } from '../../errors.js'
import { renderCompareHtml } from '../../report/compare-html.js'
import { renderCompareMarkdown } from '../../report/compare-markdown.js'
import { renderCompareText } from '../../report/compare-text.js'
import { STYLE } from '../../report/html-assets.js'
import { fileStamp } from '../../results/result-paths.js'
import { compareRuns, DEFAULT_RESAMPLES } from '../../stats/compare.js'
import { EXIT_OK, type ExitCode } from '../exit-codes.js'
import { loadStoredRun, type StoredRun, shownPath } from '../gate-check.js'
import type { Io } from '../io.js'
import type { CompareFlags } from './compare.js'

const FORMATS = ['md', 'html'] as const

export async function compareCommand(a: string, b: string, flags: CompareFlags, io: Io): Promise<ExitCode> {
  const formats = parseFormats(flags.format)
  const resamples = positiveInteger(flags.resamples, '--resamples') ?? DEFAULT_RESAMPLES
  const seed = positiveInteger(flags.seed, '--seed') ?? 1
  const runA = await loadGroup(a, 'compare A', io)
  const runB = await loadGroup(b, 'compare B', io)
  const comparison = compareRuns(runA, runB, { force: flags.force === true, resamples, seed })
  if (comparison.refused !== null) {
    throw new UsageError(`${comparison.refused}: ${runA.label} vs ${runB.label}`, {
      hint: 'compare runs of the same workload and model, or add --force to compare anyway',
    })
  }
  const labels = { a: runA.label, b: runB.label }
  if (flags.json === true) {
    io.stdout.write(`${JSON.stringify({ a: runA.label, b: runB.label, ...comparison }, null, 2)}\n`)
  } else {
    const counts = (run: StoredRun) => `${run.summary.requests.total} requests, ${run.summary.requests.ok} ok`
    io.stdout.write(`A: ${runA.label} (${counts(runA)})\nB: ${runB.label} (${counts(runB)})\n\n`)
    io.stdout.write(`${renderCompareText(comparison)}\n`)
  }
  if (formats.length > 0) {
    const dir = join(resolve(io.cwd, flags.outputDir), 'reports')
    mkdirSync(dir, { recursive: true })
    const base = join(dir, `compare_${fileStamp(new Date())}`)
    const written: string[] = []
    if (formats.includes('md')) {
      writeFileSync(`${base}.md`, `${renderCompareMarkdown(comparison, labels)}\n`)
      written.push(`${base}.md`)
    }
    if (formats.includes('html')) {
      const body = renderCompareHtml(comparison, labels)
      writeFileSync(
        `${base}.html`,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Run Bench compare</title><style>${STYLE}</style></head><body>${body}</body></html>\n`,
      )
      written.push(`${base}.html`)
    }
    const out = flags.json === true ? io.stderr : io.stdout
    out.write(`\nWritten:\n${written.map((file) => `  ${shownPath(io.cwd, file)}\n`).join('')}`)
  }
  return EXIT_OK
}

/** A path, or a comma list of paths, loaded as one group. */
async function loadGroup(arg: string, flag: string, io: Io): Promise<StoredRun> {
  const paths = arg
    .split(',')
    .filter((part) => part !== '')
    .map((part) => resolve(io.cwd, part))
  return loadStoredRun(paths, flag, io.stderr, io.cwd)
}

function parseFormats(list: string | undefined): (typeof FORMATS)[number][] {
  if (list === undefined) return []
  const formats = list.split(',').map((part) => part.trim())
  const unknown = formats.filter((format) => !(FORMATS as readonly string[]).includes(format))
  if (unknown.length > 0) {
    throw new UsageError(`--format ${list}: unknown format ${unknown.join(', ')}`, {
      hint: 'compare writes md and html (the terminal table is always printed)',
    })
  }
  return formats as (typeof FORMATS)[number][]
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new UsageError(`${flag} must be a whole number >= 1 (got ${JSON.stringify(value)})`)
  }
  return parsed
}
