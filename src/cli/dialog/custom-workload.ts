// The numbers a user types for a custom workload, checked before the dialog moves on.
// Pure: the dialog turns a Problem into a message in the user's language and asks again.

import { settingOf } from '../../config/run-settings.js'

export type CustomField = 'durationSec' | 'rps' | 'concurrency' | 'maxTokens' | 'temperature'

export type Problem =
  | { kind: 'not_a_number'; received: string }
  | { kind: 'not_positive'; received: string }
  | { kind: 'not_integer'; received: string }
  | { kind: 'out_of_range'; received: string; min: number; max: number }

export type Parsed = { ok: true; value: number } | { ok: false; problem: Problem }

export function parseCustomValue(field: CustomField, text: string): Parsed {
  const received = text.trim()
  const value = Number(received)
  // Number('') is 0 and Number('0x10') is 16: accept plain decimal notation only.
  if (received === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(received) || !Number.isFinite(value)) {
    return { ok: false, problem: { kind: 'not_a_number', received } }
  }
  // Whole numbers, ranges: the setting's row in config/run-settings.ts (concurrency and
  // max_tokens count things; a duration or a rate may be fractional, 2.5 s, 0.5 req/s).
  const rule = settingOf(field)
  if (rule.range !== undefined) {
    if (value < rule.range.min || value > rule.range.max) {
      return { ok: false, problem: { kind: 'out_of_range', received, ...rule.range } }
    }
  } else if (field === 'rps' && value === 0) {
    // rps 0 asks for a closed loop (the dialog drops the rate), as --closed-loop does.
    return { ok: true, value }
  } else if (value <= 0) {
    return { ok: false, problem: { kind: 'not_positive', received } }
  }
  if (rule.kind === 'integer' && !Number.isInteger(value))
    return { ok: false, problem: { kind: 'not_integer', received } }
  return { ok: true, value }
}
