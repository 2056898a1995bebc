// One validation problem = one line of a ConfigError/UsageError: where, what is wrong, the
// value received and the fix. Validation collects all of them before failing (k6 style).

import { isAbsolute, relative } from 'node:path'

export interface Problem {
  /** What the problem is about, e.g. "configs/workloads.yaml: workloads[high-load].rps:" or "--rps". */
  subject: string
  /** What is wrong, e.g. "must be > 0". */
  message: string
  /** The value received; shown as "(got -1)" when present. */
  got?: unknown
  /** What to do about it, e.g. "omit rps for a closed loop". */
  fix?: string
}

const maxValueChars = 60

/** A value as the user wrote it: strings quoted, long objects shortened. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  return text.length > maxValueChars ? `${text.slice(0, maxValueChars - 1)}…` : text
}

export function formatProblem(problem: Problem): string {
  const got = 'got' in problem ? ` (got ${formatValue(problem.got)})` : ''
  const fix = problem.fix === undefined ? '' : ` — ${problem.fix}`
  return `${problem.subject} ${problem.message}${got}${fix}`
}

/** The problem itself when there is one, else a count line and one indented line per problem. */
export function formatProblems(problems: readonly Problem[], what: string): string {
  if (problems.length === 1 && problems[0] !== undefined) return formatProblem(problems[0])
  return [
    `${problems.length} problems in ${what}:`,
    ...problems.map((problem) => `  ${formatProblem(problem)}`),
  ].join('\n')
}

/** A path as messages show it: relative to the working directory when inside it (configs/targets.yaml). */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const fromCwd = relative(cwd, path)
  return fromCwd !== '' && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : path
}
