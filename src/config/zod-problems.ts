// zod issues → Problems: file, key path with list items named where they have a name
// (`workloads[high-load].rps`), the value as written, and the fix for that key.

import * as z from 'zod'
import { didYouMeanFix } from './did-you-mean.js'
import type { Problem } from './problems.js'
import { fixForKey } from './schemas.js'

type Key = PropertyKey

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function child(value: unknown, key: Key): unknown {
  if (Array.isArray(value) && typeof key === 'number') return value[key]
  if (isRecord(value) && typeof key === 'string') return value[key]
  return undefined
}

/** The value at `path` in the raw YAML data, or undefined when the path does not exist. */
export function valueAt(root: unknown, path: readonly Key[]): unknown {
  return path.reduce<unknown>((value, key) => child(value, key), root)
}

function nameOf(item: unknown): string | undefined {
  const name = isRecord(item) ? item.name : undefined
  return typeof name === 'string' && name !== '' ? name : undefined
}

/** A list item's name when it has one that no other item shares, else its index. */
function itemLabel(list: unknown, index: number): string {
  const name = nameOf(child(list, index))
  if (name === undefined || !Array.isArray(list)) return String(index)
  return list.filter((item) => nameOf(item) === name).length === 1 ? name : String(index)
}

/**
 * `workloads[high-load].rps` for ['workloads', 2, 'rps'] when item 2 has name: high-load,
 * `workloads[2].rps` when it has none.
 */
export function renderKeyPath(root: unknown, path: readonly Key[]): string {
  let rendered = ''
  let value = root
  for (const key of path) {
    if (typeof key === 'number') {
      rendered += `[${itemLabel(value, key)}]`
    } else {
      rendered += rendered === '' ? String(key) : `.${String(key)}`
    }
    value = child(value, key)
  }
  return rendered
}

/** "configs/targets.yaml: targets[sim].kind:" or "configs/targets.yaml:" for the document itself. */
export function subjectOf(file: string, root: unknown, path: readonly Key[]): string {
  const keyPath = renderKeyPath(root, path)
  return keyPath === '' ? `${file}:` : `${file}: ${keyPath}:`
}

/** The object schema reached by following `path` (through lists, optionals, nullables). */
function objectSchemaAt(schema: z.ZodType, path: readonly Key[]): z.ZodObject | undefined {
  let current: z.ZodType | undefined = schema
  let index = 0
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType
      continue
    }
    if (index === path.length) return current instanceof z.ZodObject ? current : undefined
    const key = path[index]
    index += 1
    if (current instanceof z.ZodArray && typeof key === 'number') current = current.element as z.ZodType
    else if (current instanceof z.ZodObject && typeof key === 'string')
      current = current.shape[key] as z.ZodType
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType
    else return undefined
  }
}

/** Turns a failed safeParse into one Problem per issue (one per unknown key). */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  root: unknown,
  file: string,
): Problem[] {
  const problems: Problem[] = []
  for (const issue of issues) {
    const path = issue.path as Key[]
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(objectSchemaAt(schema, path)?.shape ?? {})
      for (const key of issue.keys) {
        const problem: Problem = { subject: subjectOf(file, root, [...path, key]), message: 'unknown key' }
        const fix =
          didYouMeanFix(key, known) ?? (known.length > 0 ? `known keys: ${known.join(', ')}` : undefined)
        if (fix !== undefined) problem.fix = fix
        problems.push(problem)
      }
      continue
    }
    const value = valueAt(root, path)
    const problem: Problem = { subject: subjectOf(file, root, path), message: issue.message }
    if (value !== undefined) problem.got = value
    const suggestion =
      issue.code === 'invalid_value' && typeof value === 'string'
        ? didYouMeanFix(value, issue.values.map(String))
        : undefined
    const lastKey = [...path].reverse().find((key): key is string => typeof key === 'string')
    const fix = suggestion ?? (lastKey && fixForKey(lastKey))
    if (fix) problem.fix = fix
    problems.push(problem)
  }
  return problems
}
