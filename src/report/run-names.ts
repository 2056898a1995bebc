// What a run is called in tables, legends and comparisons: by what distinguishes it from
// the other runs of the report. Runs of one model and workload (a concurrency sweep: the
// same target and model at c = 1, 2, 4, 8) differ only in their settings, so those settings
// name them ("c=4"), not their run id; the run id is the last resort, for true repeats.
import type { Summary } from '../types.js'

/** The settings of a run beyond its summary, from its meta (absent for runs without one). */
export interface RunSettings {
  maxTokens?: number
  /** The prompt set: a built-in type (short, medium, long) or a prompt file. */
  promptSet?: string
  durationSec?: number
}

export type RunSettingsById = Readonly<Record<string, RunSettings>>

/** A run's resolved configuration as the reports carry it (any values), read as RunSettings. */
export function settingsOf(config: Readonly<Record<string, unknown>> | undefined): RunSettings {
  const settings: RunSettings = {}
  if (config === undefined) return settings
  if (typeof config.maxTokens === 'number') settings.maxTokens = config.maxTokens
  if (typeof config.promptType === 'string') settings.promptSet = config.promptType
  if (typeof config.durationSec === 'number') settings.durationSec = config.durationSec
  return settings
}

export function settingsById(
  configs: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {},
): Record<string, RunSettings> {
  return Object.fromEntries(Object.entries(configs).map(([runId, config]) => [runId, settingsOf(config)]))
}

/** Words of the labels that depend on the report's language. */
export interface RunNameWords {
  closedLoop: string
  incomplete: string
}

const ENGLISH: RunNameWords = { closedLoop: 'closed loop', incomplete: 'incomplete' }

/** The settings that can tell two runs of one model and workload apart, in the order shown. */
const DISTINGUISHERS: Array<(s: Summary, settings: RunSettings, words: RunNameWords) => string | null> = [
  (s, _, words) => (s.offeredRps === null ? words.closedLoop : `${trim(s.offeredRps)} req/s`),
  (s) => `c=${s.concurrency}`,
  (_, settings) => (settings.maxTokens === undefined ? null : `max_tokens ${settings.maxTokens}`),
  (_, settings) => (settings.promptSet === undefined ? null : `prompts ${settings.promptSet}`),
  (_, settings) => (settings.durationSec === undefined ? null : `${trim(settings.durationSec)} s`),
]

/** "model · workload", plus "· target" when the runs span more than one target. */
export function baseRunName(summary: Summary, summaries: readonly Summary[]): string {
  const manyTargets = new Set(summaries.map((s) => s.target)).size > 1
  return `${summary.model} · ${summary.workload}${manyTargets ? ` · ${summary.target}` : ''}`
}

/**
 * Every run's name, in the order given: its base name, then each setting that differs
 * among the runs sharing that base name ("llama · sweep · c=4"), then the run id when
 * nothing else tells two runs apart. An interrupted run says so: "… (incomplete)".
 */
export function runNames(
  summaries: readonly Summary[],
  settings: RunSettingsById = {},
  words: RunNameWords = ENGLISH,
): string[] {
  const bases = summaries.map((s) => baseRunName(s, summaries))
  const names = summaries.map((summary, i) => {
    const base = bases[i] as string
    const peers = summaries.filter((_, j) => bases[j] === base)
    const parts = [base]
    for (const distinguish of DISTINGUISHERS) {
      const shown = (s: Summary) => distinguish(s, settings[s.runId] ?? {}, words)
      const values = new Set(peers.map(shown))
      const own = shown(summary)
      if (values.size > 1 && own !== null) parts.push(own)
    }
    return parts.join(' · ')
  })
  return names.map((name, i) => {
    const summary = summaries[i] as Summary
    const repeated = names.indexOf(name) !== names.lastIndexOf(name)
    const unique = repeated ? `${name} · ${summary.runId}` : name
    return isIncomplete(summary) ? `${unique} (${words.incomplete})` : unique
  })
}

/** The name of one run among `summaries` (see runNames). */
export function runName(
  summary: Summary,
  summaries: readonly Summary[],
  settings: RunSettingsById = {},
  words: RunNameWords = ENGLISH,
): string {
  const index = summaries.indexOf(summary)
  const all = index === -1 ? [...summaries, summary] : summaries
  return runNames(all, settings, words)[index === -1 ? all.length - 1 : index] as string
}

/** An interrupted run (its meta says complete: false): marked everywhere, never "best". */
export function isIncomplete(summary: Summary): boolean {
  return summary.incomplete !== undefined
}

function trim(value: number): string {
  return String(Number(value.toFixed(3)))
}
