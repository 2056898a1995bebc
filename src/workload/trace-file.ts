// Reading request traces: arrival time + input and output length per request. Columns follow
// the public traces, matched case-insensitively:
// - Azure LLM inference trace (CSV): TIMESTAMP (a "YYYY-MM-DD HH:MM:SS.fffffff" UTC time),
//   ContextTokens, GeneratedTokens.
// - Mooncake trace (JSONL): timestamp (ms since the first request), input_length,
//   output_length, hash_ids (block ids of shared prefixes; not replayed: prompts are
//   generated, so prefix sharing inside a trace is not reproduced).
// Numeric timestamps are milliseconds; date-time strings are read as UTC. Rows must be in
// time order: a row earlier than the one before it is an error naming both lines (sorting
// silently would hide a trace that was cut and pasted wrongly). Equal times are fine.
import { readFileSync } from 'node:fs'
import { displayPath, formatProblems, type Problem } from '../config/problems.js'
import { ConfigError } from '../errors.js'

export interface TraceRow {
  /** Milliseconds after the trace's first row. */
  offsetMs: number
  inputTokens: number
  outputTokens: number
  line: number
}

const TIME_KEYS = ['timestamp', 'timestamp_ms', 'time']
const INPUT_KEYS = ['contexttokens', 'input_length', 'input_tokens', 'prompt_tokens']
const OUTPUT_KEYS = ['generatedtokens', 'output_length', 'output_tokens', 'completion_tokens']
const maxListedProblems = 10
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z?$/

/** Reads a trace; `.jsonl`/`.ndjson` are JSON lines, anything else CSV with a header row. */
export function loadTrace(path: string): TraceRow[] {
  const display = displayPath(path)
  let text: string
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '')
  } catch (error) {
    throw new ConfigError(`Cannot read trace ${display} (${(error as { code?: string }).code ?? 'error'})`, {
      hint: 'check trace.path in workloads.yaml or --trace',
      cause: error,
    })
  }
  const records = /\.(jsonl|ndjson)$/i.test(path) ? jsonRecords(text) : csvRecords(text, display)
  const problems: Problem[] = []
  const rows: TraceRow[] = []
  let firstMs: number | null = null
  let previous: { ms: number; line: number } | null = null
  for (const record of records) {
    const subject = `${display}:${record.line}:`
    if ('problem' in record) {
      problems.push({ subject, message: record.problem })
      continue
    }
    const fields = record.fields
    const timeMs = parseTime(pick(fields, TIME_KEYS))
    const inputTokens = parseCount(pick(fields, INPUT_KEYS))
    const outputTokens = parseCount(pick(fields, OUTPUT_KEYS))
    const bad: string[] = []
    if (timeMs === null)
      bad.push(`timestamp ${JSON.stringify(pick(fields, TIME_KEYS))} is not a number (ms) or a date-time`)
    if (inputTokens === null)
      bad.push(`input length ${JSON.stringify(pick(fields, INPUT_KEYS))} is not an integer >= 1`)
    if (outputTokens === null)
      bad.push(`output length ${JSON.stringify(pick(fields, OUTPUT_KEYS))} is not an integer >= 1`)
    if (timeMs === null || inputTokens === null || outputTokens === null) {
      problems.push({ subject, message: bad.join('; ') })
      continue
    }
    if (previous !== null && timeMs < previous.ms) {
      problems.push({
        subject,
        message: `timestamp goes back in time: ${timeMs - previous.ms} ms before line ${previous.line}`,
      })
    }
    previous = { ms: timeMs, line: record.line }
    firstMs ??= timeMs
    rows.push({ offsetMs: timeMs - firstMs, inputTokens, outputTokens, line: record.line })
  }
  if (problems.length > 0) {
    const more = problems.length - maxListedProblems
    const message = formatProblems(problems.slice(0, maxListedProblems), display)
    throw new ConfigError(
      more > 0
        ? `${message.replace(/^\d+ problems/, `${problems.length} problems`)}\n  … and ${more} more`
        : message,
      {
        hint: 'a trace lists requests in time order: TIMESTAMP,ContextTokens,GeneratedTokens (CSV) or {"timestamp": ms, "input_length": n, "output_length": n} (JSONL); sort it by time first',
      },
    )
  }
  if (rows.length === 0) throw new ConfigError(`${display}: the trace has no requests`)
  return rows
}

type RawRecord = { line: number; fields: Record<string, unknown> } | { line: number; problem: string }

function pick(fields: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const [key, value] of Object.entries(fields)) if (keys.includes(key.toLowerCase())) return value
  return undefined
}

function parseCount(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return Number.isInteger(number) && (number as number) >= 1 ? (number as number) : null
}

/** ms as a number (or numeric string), or a UTC date-time with up to 100 ns digits (Azure). */
function parseTime(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value !== 'string') return null
  const trimmed = value.trim()
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed)
  const match = DATE_TIME.exec(trimmed)
  if (match === null) return null
  const [, year, month, day, hour, minute, second, fraction = ''] = match
  const wholeMs = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  )
  return wholeMs + Number(`0.${fraction || '0'}`) * 1000
}

function jsonRecords(text: string): RawRecord[] {
  const records: RawRecord[] = []
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '')
    if (line.trim() === '') return
    try {
      const value: unknown = JSON.parse(line)
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        records.push({ line: index + 1, problem: 'must be a JSON object' })
      } else records.push({ line: index + 1, fields: value as Record<string, unknown> })
    } catch (error) {
      records.push({ line: index + 1, problem: `is not valid JSON (${(error as Error).message})` })
    }
  })
  return records
}

/** Plain CSV: the traces hold numbers and date-times, never quoted commas. */
function csvRecords(text: string, display: string): RawRecord[] {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''))
  const header = (lines[0] ?? '').split(',').map((name) => name.trim())
  const known = (keys: readonly string[]) => header.some((name) => keys.includes(name.toLowerCase()))
  if (!known(TIME_KEYS) || !known(INPUT_KEYS) || !known(OUTPUT_KEYS)) {
    throw new ConfigError(
      `${display}:1: the header ${JSON.stringify(lines[0] ?? '')} lacks a time, input or output column`,
      {
        hint: 'use the Azure trace header TIMESTAMP,ContextTokens,GeneratedTokens (or timestamp,input_length,output_length)',
      },
    )
  }
  const records: RawRecord[] = []
  lines.slice(1).forEach((line, index) => {
    if (line.trim() === '') return
    const cells = line.split(',')
    if (cells.length !== header.length) {
      records.push({
        line: index + 2,
        problem: `has ${cells.length} columns, the header has ${header.length}`,
      })
      return
    }
    records.push({ line: index + 2, fields: Object.fromEntries(header.map((name, i) => [name, cells[i]])) })
  })
  return records
}
