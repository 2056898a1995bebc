// One `run-bench run` as a user runs it: a fresh process (cold JIT, whole startup), the
// built bin (or src/ through tsx with --source), its own config folder, measured from the
// outside by GNU time (user + system CPU of the whole process, peak RSS).
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Summary } from '../src/types.js'

const root = fileURLToPath(new URL('..', import.meta.url))

export interface CliWorkload {
  name: string
  requests?: number
  durationSec?: number
  rps?: number
  arrival?: 'constant' | 'poisson'
  concurrency: number
  maxTokens: number
}

export interface CliRun {
  summary: Summary
  /** request_id and ttft_ms of every successful record, in request order. */
  ttfts: Array<{ id: number; ttftMs: number }>
  /** CPU of the whole process (all threads), from GNU time. */
  cpuMs: number
  peakRssBytes: number
  wallMs: number
}

export function runCli(options: {
  fromSource: boolean
  tmpDir: string
  baseUrl: string
  workload: CliWorkload
  extraArgs?: string[]
}): CliRun {
  const dir = mkdtempSync(join(options.tmpDir, 'cli-'))
  const configDir = join(dir, 'configs')
  mkdirSync(configDir)
  writeFileSync(
    join(configDir, 'targets.yaml'),
    `targets:\n  - name: bench\n    base_url: ${options.baseUrl}\n`,
  )
  writeFileSync(join(configDir, 'models.yaml'), 'models:\n  - name: bench\n    full_name: bench\n')
  const w = options.workload
  const lines = [
    'workloads:',
    `  - name: ${w.name}`,
    `    concurrency: ${w.concurrency}`,
    `    max_tokens: ${w.maxTokens}`,
    '    prompt_type: short',
    '    ignore_eos: true',
  ]
  if (w.requests !== undefined) lines.push(`    requests: ${w.requests}`)
  if (w.durationSec !== undefined) lines.push(`    duration: ${w.durationSec}`)
  if (w.rps !== undefined) lines.push(`    rps: ${w.rps}`)
  if (w.arrival !== undefined) lines.push(`    arrival: ${w.arrival}`)
  writeFileSync(join(configDir, 'workloads.yaml'), `${lines.join('\n')}\n`)
  const outputDir = join(dir, 'results')
  const bin = options.fromSource
    ? ['--import', 'tsx', join(root, 'src', 'cli', 'bin.ts')]
    : [join(root, '.cache', 'bench-dist', 'cli', 'bin.js')]
  const timeFile = join(dir, 'time.txt')
  const args = [
    '-f',
    '%U %S %M %e',
    '-o',
    timeFile,
    process.execPath,
    ...bin,
    'run',
    '--config-dir',
    configDir,
    '--target',
    'bench',
    '--model',
    'bench',
    '--workload',
    w.name,
    '--output-dir',
    outputDir,
    ...(options.extraArgs ?? []),
  ]
  const result = spawnSync('/usr/bin/time', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
  if (result.status !== 0) {
    throw new Error(
      `run-bench run exited ${result.status}:\n${result.stderr.slice(-2000)}${result.stdout.slice(-2000)}`,
    )
  }
  const [user, system, maxRssKb, elapsed] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number)
  const summaryDir = join(outputDir, 'summary')
  const summaryFile = readdirSync(summaryDir).find((name) => name.endsWith('.json'))
  if (summaryFile === undefined) throw new Error(`no summary JSON in ${summaryDir}`)
  const rawDir = join(outputDir, 'raw')
  const rawFile = readdirSync(rawDir).find((name) => name.endsWith('.jsonl')) ?? ''
  const ttfts = readFileSync(join(rawDir, rawFile), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { request_id: number; ttft_ms: number | null; success: boolean })
    .filter((record) => record.success && record.ttft_ms !== null)
    .map((record) => ({ id: record.request_id, ttftMs: record.ttft_ms as number }))
    .sort((a, b) => a.id - b.id)
  return {
    ttfts,
    summary: JSON.parse(readFileSync(join(summaryDir, summaryFile), 'utf8')) as Summary,
    cpuMs: ((user ?? 0) + (system ?? 0)) * 1000,
    peakRssBytes: (maxRssKb ?? 0) * 1024,
    wallMs: (elapsed ?? 0) * 1000,
  }
}

/**
 * The reference for a whole CLI process: bench/cold-http-client.mjs (the least a Node
 * process can do to send the same streamed requests: node:http, bodies read and dropped),
 * a fresh process under GNU time like `runCli`, so both pay Node's startup and JIT warm-up.
 */
export function runColdClient(options: {
  tmpDir: string
  baseUrl: string
  requests: number
  concurrency: number
  maxTokens: number
}): { cpuMs: number } {
  const dir = mkdtempSync(join(options.tmpDir, 'cold-client-'))
  const timeFile = join(dir, 'time.txt')
  const args = [
    '-f',
    '%U %S',
    '-o',
    timeFile,
    process.execPath,
    join(root, 'bench', 'cold-http-client.mjs'),
    options.baseUrl,
    String(options.requests),
    String(options.concurrency),
    String(options.maxTokens),
  ]
  const result = spawnSync('/usr/bin/time', args, { cwd: root, encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(`cold-http-client exited ${result.status}:\n${result.stderr.slice(-2000)}`)
  }
  const [user, system] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number)
  return { cpuMs: ((user ?? 0) + (system ?? 0)) * 1000 }
}
