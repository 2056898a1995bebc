// The confirmation screen, laid out like the original tool's "벤치마크 설정 확인".

import type { ResolvedRun } from '../../config/resolve-run.js'
import type { Workload } from '../../types.js'
import { expectedRequests } from '../../workload/arrivals.js'
import { formatCount, type Lang } from '../lang.js'
import { dialogMessages, localizeDescription } from './dialog-messages.js'

export const RULE = '='.repeat(60)

/**
 * The "📋 Benchmark settings" block shown before "Start?": what will run, after YAML, BENCH_*
 * variables and the answers are merged. `customBase` names the workload custom answers went over.
 */
export function settingsScreen(resolved: ResolvedRun, customBase: string | null, lang: Lang): string[] {
  const msg = dialogMessages(lang)
  const { target, model, workload: w } = resolved
  const lines = [
    RULE,
    msg.settingsTitle,
    RULE,
    msg.server(target.name, localizeDescription(target.description, lang)),
    msg.model(model.fullName),
    msg.workload(w.name, customBase === null ? describeWorkload(w, lang) : msg.customWorkload(customBase)),
  ]
  if (w.durationSec !== undefined) lines.push(msg.duration(String(w.durationSec), msg.minutes(w.durationSec)))
  if (w.requests !== undefined) lines.push(msg.requests(formatCount(w.requests, lang)))
  lines.push(w.rps === undefined ? msg.closedLoop(w.concurrency) : msg.rps(String(w.rps)))
  lines.push(msg.concurrency(w.concurrency))
  const expected = expectedRequests(w)
  if (expected !== null) lines.push(msg.expectedTotal(formatCount(expected, lang)))
  lines.push(msg.maxTokens(w.maxTokens), msg.temperature(w.temperature))
  lines.push(w.promptFile === undefined ? msg.promptType(w.promptType) : msg.promptFile(w.promptFile))
  lines.push(RULE)
  return lines
}

/** The confirmation shows the workload's own words, as the original did. */
function describeWorkload(workload: Workload, lang: Lang): string {
  return localizeDescription(workload.description, lang) || workload.name
}
