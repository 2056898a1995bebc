// Rules that span several keys or files, checked on the raw YAML data so that they run even
// when the schema found other problems (all problems are reported at once).

import { didYouMeanFix } from './did-you-mean.js'
import type { Problem } from './problems.js'
import { FIELD_FIXES, TARGET_KINDS } from './schemas.js'
import { subjectOf } from './zod-problems.js'

/** `empty`: the file exists and parsed, but holds no document (blank or comments only). */
export type RawFile = { path: string; display: string; value: unknown; read: boolean; empty: boolean }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The list under `key`, as raw records (non-maps are reported by the schema). */
export function rawItems(
  file: RawFile,
  key: string,
): Array<{ index: number; item: Record<string, unknown> }> {
  const list = isRecord(file.value) ? file.value[key] : undefined
  if (!Array.isArray(list)) return []
  return list.flatMap((item, index) => (isRecord(item) ? [{ index, item }] : []))
}

function checkDuplicateNames(file: RawFile, key: string, problems: Problem[]): void {
  const seen = new Map<string, number>()
  for (const { index, item } of rawItems(file, key)) {
    if (typeof item.name !== 'string') continue
    const first = seen.get(item.name)
    if (first === undefined) seen.set(item.name, index)
    else {
      problems.push({
        subject: `${file.display}: ${key}[${index}].name:`,
        message: `duplicate name, already used by ${key}[${first}]`,
        got: item.name,
        fix: 'give every entry its own name',
      })
    }
  }
}

export function checkTargets(file: RawFile, problems: Problem[]): void {
  checkDuplicateNames(file, 'targets', problems)
  for (const { index, item } of rawItems(file, 'targets')) {
    const at = (key: string) => subjectOf(file.display, file.value, ['targets', index, key])
    const kind = item.kind ?? 'openai'
    // An unknown kind is reported by the schema; rules that depend on the kind would only add noise.
    if (!(TARGET_KINDS as readonly unknown[]).includes(kind)) continue
    if (item.api_key !== undefined && item.api_key_env !== undefined) {
      problems.push({
        subject: at('api_key_env'),
        message: 'cannot be set together with api_key',
        fix: 'keep api_key_env (the key stays out of the file) and remove api_key',
      })
    }
    if ((kind === 'openai' || kind === 'litellm') && item.base_url === undefined) {
      problems.push({
        subject: at('base_url'),
        message: `is required for kind ${kind}`,
        fix: FIELD_FIXES.base_url,
      })
    }
    if (kind === 'sim' && item.base_url !== undefined) {
      problems.push({
        subject: at('base_url'),
        message: 'is not used by kind sim (the simulator runs inside run-bench)',
        got: item.base_url,
        fix: 'remove base_url, or use kind: openai to point at a server started with `run-bench sim`',
      })
    }
    const sim = item.sim
    // The simulator refuses a decode step that takes no time (sim/options.ts); say so here, with the file.
    if (isRecord(sim) && sim.decode_base_ms === 0 && sim.decode_per_seq_ms === 0) {
      problems.push({
        subject: subjectOf(file.display, file.value, ['targets', index, 'sim']),
        message: 'decode_base_ms and decode_per_seq_ms cannot both be 0 (a decode step cannot take no time)',
        fix: 'set one of them above 0, e.g. decode_base_ms: 5',
      })
    }
    if (kind !== 'sim' && item.sim !== undefined) {
      problems.push({
        subject: at('sim'),
        message: 'only applies to kind sim',
        fix: 'remove it or set kind: sim',
      })
    }
  }
}

/**
 * models.yaml's rules. A `targets:` name close to a known target is a typo (an error); one
 * that is nowhere near any is a target the user removed (the bundled models name `sim`):
 * a warning, so that removing a target does not break every command.
 */
export function checkModels(
  file: RawFile,
  targetNames: string[],
  problems: Problem[],
  warnings: string[] = [],
): void {
  checkDuplicateNames(file, 'models', problems)
  if (targetNames.length === 0) return
  for (const { index, item } of rawItems(file, 'models')) {
    if (!Array.isArray(item.targets)) continue
    item.targets.forEach((target: unknown, position) => {
      if (typeof target !== 'string' || targetNames.includes(target)) return
      const subject = `${subjectOf(file.display, file.value, ['models', index, 'targets'])}`.replace(
        /:$/,
        `[${position}]:`,
      )
      const typo = didYouMeanFix(target, targetNames)
      if (typo === undefined) {
        warnings.push(
          `${subject} names no target in targets.yaml (got "${target}"): the model is not offered for it; known targets: ${targetNames.join(', ')}`,
        )
        return
      }
      problems.push({ subject, message: 'names no target in targets.yaml', got: target, fix: typo })
    })
  }
}

export function checkWorkloads(file: RawFile, problems: Problem[]): void {
  checkDuplicateNames(file, 'workloads', problems)
  for (const { index, item } of rawItems(file, 'workloads')) {
    if (item.duration === 0 && item.requests === undefined) {
      problems.push({
        subject: subjectOf(file.display, file.value, ['workloads', index, 'duration']),
        message: 'must be > 0 when there is no requests bound',
        got: 0,
        fix: 'give the run length in seconds, or add requests: N for a count-bound run',
      })
    }
  }
  const names = rawItems(file, 'workloads').flatMap(({ item }) =>
    typeof item.name === 'string' ? [item.name] : [],
  )
  const defaults = isRecord(file.value) ? file.value.defaults : undefined
  const chosen = isRecord(defaults) ? defaults.default_workload : undefined
  if (typeof chosen === 'string' && names.length > 0 && !names.includes(chosen)) {
    problems.push({
      subject: `${file.display}: defaults.default_workload:`,
      message: 'names no workload in this file',
      got: chosen,
      fix: didYouMeanFix(chosen, names) ?? `known workloads: ${names.join(', ')}`,
    })
  }
}
