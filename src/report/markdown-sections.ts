// The comparison, errors and configuration sections of the Markdown report.
import type { Summary } from '../types.js'
import { chartText } from './chart-text.js'
import {
  bestRuns,
  type CompareColumn,
  comparedGroups,
  type GroupKey,
  groupLabel,
  shownValue,
  statColumn,
  valueColumn,
} from './comparison.js'
import { DASH, rightAligned as right } from './headline.js'
import { type MarkdownText, markdownText } from './markdown-text.js'
import {
  formatCount as count,
  DISTRIBUTION_METRICS,
  LOW_TAIL_LABEL,
  TOKENS_PER_SEC,
  TOTAL_TIME_SEC,
  VALUE_METRICS,
} from './metric-catalogue.js'
import { type RunSettingsById, runNames } from './run-names.js'
import { type Align, escapeCell, markdownTable } from './text-table.js'

/** A run's resolved configuration, as the report's configuration section shows it. */
export interface RunConfig {
  target: string
  model: string
  workload: string
  rps: number | null
  concurrency: number
  durationSec: number | null
  maxTokens: number
  temperature: number
  promptType: string
  seed: number
  /** The target's capabilities as probed before the run, in one line (issue 5). */
  capabilities?: string
}

function latencyColumns(metric: typeof TOTAL_TIME_SEC): CompareColumn[] {
  return [
    statColumn(metric, 'Mean', (d) => d.mean),
    statColumn(metric, 'Median', (d) => d.p50),
    statColumn(metric, 'P95', (d) => d.p95),
    statColumn(metric, 'P99', (d) => d.p99),
  ]
}

function tokensPerSecColumn(header: string, stat: 'mean' | 'p50' | 'p5' | 'p1'): CompareColumn {
  return {
    header,
    decimals: TOKENS_PER_SEC.decimals,
    badTail: TOKENS_PER_SEC.badTail,
    value: (s) => s.tokensPerSec?.[stat] ?? null,
  }
}

const COMPARISONS: Array<{ title: string; columns: CompareColumn[] }> = [
  { title: DISTRIBUTION_METRICS.ttft.label, columns: latencyColumns(DISTRIBUTION_METRICS.ttft) },
  { title: TOTAL_TIME_SEC.label, columns: latencyColumns(TOTAL_TIME_SEC) },
  {
    title: TOKENS_PER_SEC.label,
    columns: [
      tokensPerSecColumn('Mean', 'mean'),
      tokensPerSecColumn('Median', 'p50'),
      tokensPerSecColumn(LOW_TAIL_LABEL.p95, 'p5'),
      tokensPerSecColumn(LOW_TAIL_LABEL.p99, 'p1'),
    ],
  },
  {
    title: 'Throughput',
    columns: [
      valueColumn(VALUE_METRICS.requestThroughput),
      valueColumn(VALUE_METRICS.outputTokenThroughput),
      valueColumn(VALUE_METRICS.successRate),
    ],
  },
]

export function comparisonSection(
  dimension: GroupKey,
  summaries: Summary[],
  settings: RunSettingsById = {},
  text: MarkdownText = markdownText(),
): string[] {
  const compared = comparedGroups(summaries, dimension)
  const word = text.dimension[dimension]
  const parts = [`## ${text.comparisonBy(word)}`]
  if (compared.length === 0) {
    parts.push(text.singleRun(word))
    return parts
  }
  for (const { key, runs } of compared) {
    parts.push(`### ${text.groupHeading(word, escapeCell(key), runs.length)}`)
    // Runs the group label cannot tell apart (a sweep) are named by their distinguishing settings.
    const labels = runs.map((s) => groupLabel(s, dimension))
    const names = runNames(runs, settings, chartText(text.lang))
    const rowLabels = runs.map((_, i) =>
      escapeCell(labels.filter((l) => l === labels[i]).length > 1 ? (names[i] ?? '') : (labels[i] ?? '')),
    )
    for (const { title, columns } of COMPARISONS) {
      const cells = columns.map((column) => bestMarked(runs, column))
      const rows = runs.map((_, r) => [rowLabels[r] ?? '', ...cells.map((column) => column[r] ?? DASH)])
      parts.push(
        markdownTable([title, ...columns.map((c) => c.header)], rows, ['left', ...right(columns.length)]),
      )
    }
  }
  return parts
}

/** Formats one column of a comparison, bolding the best value (ties all bold) as bestRuns says. */
function bestMarked(runs: Summary[], column: CompareColumn): string[] {
  const best = bestRuns(runs, column)
  return runs.map((s, i) => {
    const v = column.value(s)
    const text = shownValue(v, column)
    if (text === undefined) return DASH
    return best[i] ? `**${text}**` : text
  })
}

export function errorSection(summaries: Summary[], text: MarkdownText = markdownText()): string[] {
  const rows = summaries.flatMap((s) =>
    s.errors.map((group) => [
      escapeCell(s.runId),
      group.outcome,
      group.error_code ?? DASH,
      group.http_status === null ? DASH : String(group.http_status),
      count(group.count),
      group.examples.map((example) => escapeCell(truncate(example, 160))).join('; ') || DASH,
    ]),
  )
  if (rows.length === 0) return [`## ${text.errorsHeading}`, text.noErrors]
  return [
    `## ${text.errorsHeading}`,
    markdownTable(['Run', 'Outcome', 'Error code', 'HTTP status', 'Count', 'Examples'], rows, [
      'left',
      'left',
      'left',
      'right',
      'right',
      'left',
    ]),
  ]
}

export function configurationSection(
  summaries: Summary[],
  configs: Record<string, RunConfig>,
  text: MarkdownText = markdownText(),
): string[] {
  const rows = summaries.map((s) => {
    const c = configs[s.runId]
    const rps = c === undefined ? s.offeredRps : c.rps
    return [
      escapeCell(s.runId),
      escapeCell(c?.target ?? s.target),
      escapeCell(c?.model ?? s.model),
      escapeCell(c?.workload ?? s.workload),
      rps === null ? 'closed loop' : String(rps),
      String(c?.concurrency ?? s.concurrency),
      c?.durationSec == null ? DASH : String(c.durationSec),
      c === undefined ? DASH : String(c.maxTokens),
      c === undefined ? DASH : String(c.temperature),
      c === undefined ? DASH : escapeCell(c.promptType),
      c === undefined ? DASH : String(c.seed),
    ]
  })
  return [
    `## ${text.runConfiguration}`,
    markdownTable(
      [
        'Run',
        'Target',
        'Model',
        'Workload',
        'RPS',
        'Concurrency',
        'Duration (s)',
        'Max tokens',
        'Temperature',
        'Prompt type',
        'Seed',
      ],
      rows,
      [...Array<Align>(4).fill('left'), ...right(5), 'left', 'right'],
    ),
    ...capabilityLines(summaries, configs),
  ]
}

function capabilityLines(summaries: Summary[], configs: Record<string, RunConfig>): string[] {
  const lines = summaries.flatMap((s) => {
    const capabilities = configs[s.runId]?.capabilities
    return capabilities === undefined ? [] : [`- ${escapeCell(s.runId)}: ${escapeCell(capabilities)}`]
  })
  return lines.length === 0 ? [] : [`Server capabilities, probed before each run:\n${lines.join('\n')}`]
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
