// The shards of a merged run (issue 17) in its Markdown section: how many of the plan's
// shards were merged, and per shard its host, records, start skew and whether it finished;
// a missing shard gets its own row, so an incomplete merge says which part is absent.
// Pure: a Summary's `shards` in, Markdown out; nothing for a run that was not sharded.
import type { RunShards } from '../types.js'
import type { ReportLang } from './chart-text.js'
import { formatCount } from './metric-catalogue.js'
import { escapeCell, markdownTable } from './text-table.js'

const SHARD_TEXT = {
  en: {
    heading: 'Shards',
    merged: (found: number, count: number) => `${found} of ${count} shards merged`,
    missing: (indexes: string) => `missing ${indexes}`,
    incomplete: '**incomplete**',
    header: ['Shard', 'Host', 'Records', 'Skew (ms)', 'Finished'],
    yes: 'yes',
    no: 'no (ended early)',
    missingRow: 'missing (no files)',
    warning: 'Warning',
  },
  ko: {
    heading: '샤드',
    merged: (found: number, count: number) => `샤드 ${count}개 중 ${found}개 병합`,
    missing: (indexes: string) => `누락 ${indexes}`,
    incomplete: '**불완전**',
    header: ['샤드', '호스트', '기록', '시작 지연 (ms)', '완료'],
    yes: '예',
    no: '아니요 (일찍 끝남)',
    missingRow: '누락 (파일 없음)',
    warning: '경고',
  },
} as const

const DASH = '–'

/** The run's "Shards" block (a #### heading nested under the run's ###), or nothing. */
export function shardMarkdownParts(shards: RunShards | undefined, lang: ReportLang = 'en'): string[] {
  if (shards === undefined) return []
  const text = SHARD_TEXT[lang]
  const ended = shards.shards.filter((shard) => !shard.complete)
  const incomplete = shards.missing.length > 0 || ended.length > 0
  const line = [
    text.merged(shards.shards.length, shards.count),
    ...(shards.missing.length === 0 ? [] : [text.missing(shards.missing.join(', '))]),
    ...(incomplete ? [text.incomplete] : []),
  ].join(', ')
  const rows = [
    ...shards.shards.map((shard) => ({
      index: shard.index,
      cells: [
        `${shard.index}/${shards.count}`,
        escapeCell(shard.hostname),
        formatCount(shard.records),
        shard.skewMs.toFixed(0),
        shard.complete ? text.yes : text.no,
      ],
    })),
    ...shards.missing.map((index) => ({
      index,
      cells: [`${index}/${shards.count}`, DASH, DASH, DASH, text.missingRow],
    })),
  ].sort((a, b) => a.index - b.index)
  const parts = [
    `#### ${text.heading}`,
    line,
    markdownTable(
      [...text.header],
      rows.map((row) => row.cells),
      ['left', 'left', 'right', 'right', 'left'],
    ),
  ]
  if (shards.warnings.length > 0) {
    parts.push(shards.warnings.map((warning) => `- ${text.warning}: ${escapeCell(warning)}`).join('\n'))
  }
  return parts
}
