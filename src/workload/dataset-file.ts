// Reading conversation datasets: ShareGPT JSON (`[{id, conversations: [{from, value}]}]`, the
// format vLLM's and SGLang's benchmarks replay) and JSONL with one `{prompt | messages,
// expected_output_tokens?}` (or one ShareGPT conversation) per line. Every entry is located
// by file:line, also inside a JSON array, so a broken entry can be skipped or reported where
// it is; `onBadPrompt` decides whether a bad entry stops the run or is skipped and counted.
import { readFileSync } from 'node:fs'
import { displayPath, formatProblems, type Problem } from '../config/problems.js'
import { ConfigError } from '../errors.js'
import { splitJsonArray } from './json-array-entries.js'

export type OnBadPrompt = 'skip' | 'stop'

export interface DatasetTurn {
  user: string
  /** The dataset's own answer to this turn (ShareGPT "gpt"), used for its output length. */
  referenceAnswer?: string
  expectedOutputTokens?: number
}

export interface DatasetEntry {
  /** "datasets/sharegpt-sample.json:12". */
  location: string
  system?: string
  turns: DatasetTurn[]
}

export interface LoadedDataset {
  entries: DatasetEntry[]
  /** Entries dropped under onBadPrompt 'skip', with where and why. */
  skipped: Problem[]
}

const maxListedProblems = 10
const USER_ROLES = new Set(['human', 'user'])
const ANSWER_ROLES = new Set(['gpt', 'chatgpt', 'assistant', 'bard', 'bing', 'model'])

/** Loads a dataset; `.jsonl`/`.ndjson` files are line-oriented, anything else a JSON array. */
export function loadDataset(path: string, onBadPrompt: OnBadPrompt): LoadedDataset {
  const display = displayPath(path)
  let text: string
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '')
  } catch (error) {
    throw new ConfigError(
      `Cannot read dataset ${display} (${(error as { code?: string }).code ?? 'error'})`,
      {
        hint: 'check dataset.path in workloads.yaml or --dataset (relative paths start at the working directory)',
        cause: error,
      },
    )
  }
  const pieces = /\.(jsonl|ndjson)$/i.test(path) ? splitLines(text) : splitJsonArray(text, display)
  const entries: DatasetEntry[] = []
  const problems: Problem[] = []
  for (const piece of pieces) {
    const location = `${display}:${piece.line}`
    const parsed = parseEntry(piece.text, location)
    if ('entry' in parsed) entries.push(parsed.entry)
    else problems.push({ subject: `${location}:`, message: parsed.problem })
  }
  if (problems.length > 0 && onBadPrompt === 'stop') {
    const more = problems.length - maxListedProblems
    const message = formatProblems(problems.slice(0, maxListedProblems), display)
    throw new ConfigError(
      more > 0
        ? `${message.replace(/^\d+ problems/, `${problems.length} problems`)}\n  … and ${more} more`
        : message,
      {
        hint: 'fix the entries, or set on_bad_prompt: skip (--on-bad-prompt skip) to leave them out and count them',
      },
    )
  }
  if (entries.length === 0) {
    throw new ConfigError(`${display}: no usable conversations (${problems.length} bad entries)`, {
      hint: 'a ShareGPT file is [{"id": "1", "conversations": [{"from": "human", "value": "…"}]}]; a JSONL line is {"prompt": "…"}',
    })
  }
  return { entries, skipped: problems }
}

function splitLines(text: string): { text: string; line: number }[] {
  const pieces: { text: string; line: number }[] = []
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '')
    if (line.trim() !== '') pieces.push({ text: line, line: index + 1 })
  })
  return pieces
}

type Parsed = { entry: DatasetEntry } | { problem: string }

function parseEntry(text: string, location: string): Parsed {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { problem: `is not valid JSON (${(error as Error).message})` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: 'must be a JSON object' }
  }
  const record = value as Record<string, unknown>
  let parsed: Parsed
  if (Array.isArray(record.conversations)) parsed = fromTurns(record.conversations, 'from', 'value', location)
  else if (Array.isArray(record.messages)) parsed = fromTurns(record.messages, 'role', 'content', location)
  else if (typeof record.prompt === 'string' && record.prompt.trim() !== '') {
    parsed = { entry: { location, turns: [{ user: record.prompt }] } }
  } else return { problem: 'needs "conversations" (ShareGPT), "messages" or a non-empty "prompt"' }
  if (!('entry' in parsed)) return parsed
  const expected = record.expected_output_tokens
  if (expected !== undefined) {
    if (!Number.isInteger(expected) || (expected as number) < 1) {
      return { problem: `"expected_output_tokens" must be an integer >= 1 (got ${JSON.stringify(expected)})` }
    }
    ;(parsed.entry.turns[0] as DatasetTurn).expectedOutputTokens = expected as number
  }
  return parsed
}

/** ShareGPT turns ({from, value}) and chat messages ({role, content}) share one reading. */
function fromTurns(items: unknown[], roleKey: string, textKey: string, location: string): Parsed {
  const entry: DatasetEntry = { location, turns: [] }
  for (const [index, item] of items.entries()) {
    const role = (item as Record<string, unknown> | null)?.[roleKey]
    const text = (item as Record<string, unknown> | null)?.[textKey]
    const where = `${roleKey === 'from' ? 'conversations' : 'messages'}[${index}]`
    if (typeof role !== 'string' || typeof text !== 'string') {
      return { problem: `${where} needs string "${roleKey}" and "${textKey}"` }
    }
    const last = entry.turns.at(-1)
    if (role === 'system' && index === 0) entry.system = text
    else if (USER_ROLES.has(role)) entry.turns.push({ user: text })
    else if (ANSWER_ROLES.has(role)) {
      // An answer before any question (some ShareGPT dumps start with the bot): nothing to ask.
      if (last === undefined || last.referenceAnswer !== undefined) continue
      last.referenceAnswer = text
    } else
      return {
        problem: `${where}.${roleKey} ${JSON.stringify(role)} is not human/user, gpt/assistant or a leading system`,
      }
  }
  if (entry.turns.length === 0 || (entry.turns[0] as DatasetTurn).user.trim() === '') {
    return { problem: 'has no first human/user turn with text' }
  }
  return { entry }
}
