// A run's server section from its samples and meta's pointer: the same function summarizes
// at the end of the run and again when a report is rebuilt from the files, so both agree.
// Samples are taken on the sampler's clock (epoch ms); the summary is on the run's clock
// (ms since the run's start, as the records' *_at_ms), so its series line up with the
// client's charts.
import { createReadStream, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import type { RunMeta, ServerMetricsPointer, Summary, TelemetrySummary } from '../types.js'
import type { TelemetrySample } from './sample.js'
import { sampleFromJsonLine } from './server-metrics-file.js'
import { type ClientTotals, summarizeTelemetry } from './telemetry-summary.js'

/** The client's side of the comparison, from the summary (Σ = mean × count, integers). */
export function clientTotalsOf(summary: Summary): ClientTotals {
  const total = (d: { mean: number; count: number } | null) => (d === null ? 0 : Math.round(d.mean * d.count))
  return {
    outputTokens: total(summary.outputTokens),
    inputTokens: total(summary.inputTokens),
    okRequests: summary.requests.ok,
  }
}

/**
 * Keeps the DCGM series of the chosen GPUs only (a DCGM exporter reports every GPU of its
 * node, the model may use a few) and names the chosen GPUs no source reports.
 */
export function keepGpus(
  samples: readonly TelemetrySample[],
  gpus: readonly number[] | null,
): { samples: TelemetrySample[]; problems: string[] } {
  if (gpus === null) return { samples: [...samples], problems: [] }
  const wanted = new Set(gpus.map(String))
  const seenBySource = new Map<string, Set<string>>()
  const kept = samples.map((sample) => {
    const seen = seenBySource.get(sample.source) ?? new Set<string>()
    const series = sample.series.filter((series) => {
      if (!series.name.startsWith('DCGM_') || series.labels.gpu === undefined) return true
      seen.add(series.labels.gpu)
      return wanted.has(series.labels.gpu)
    })
    if (seen.size > 0) seenBySource.set(sample.source, seen)
    return series.length === sample.series.length ? sample : { ...sample, series }
  })
  const problems: string[] = []
  for (const [source, seen] of seenBySource) {
    const missing = gpus.filter((gpu) => !seen.has(String(gpu)))
    if (missing.length > 0) {
      problems.push(
        `${source}: no GPU ${missing.join(', ')} (the exporter reports GPU ${[...seen].sort().join(', ')}); --gpus lists GPU indices`,
      )
    }
  }
  return { samples: kept, problems }
}

/** A summary that says only why there is nothing. */
export function unavailableServerSide(reason: string): TelemetrySummary {
  const summary = summarizeTelemetry({
    samples: [],
    windowStartMs: 0,
    windowEndMs: 0,
    client: { outputTokens: 0, inputTokens: 0, okRequests: 0 },
  })
  return { ...summary, reason }
}

/** The server section of a run from its samples (any order) and its pointer. */
export function summarizeServerSide(
  samples: readonly TelemetrySample[],
  pointer: ServerMetricsPointer,
  client: ClientTotals,
): TelemetrySummary {
  if (pointer.off !== null) return unavailableServerSide(pointer.off)
  const selected = keepGpus(samples, pointer.gpus)
  const zeroMs = pointer.runStartAtMs ?? pointer.windowStartAtMs ?? samples[0]?.atMs ?? 0
  const onRunClock = selected.samples.map((sample) => ({ ...sample, atMs: sample.atMs - zeroMs }))
  const times = onRunClock.map((sample) => sample.atMs)
  const startMs = pointer.windowStartAtMs === null ? Math.min(...times) : pointer.windowStartAtMs - zeroMs
  const endMs = pointer.windowEndAtMs === null ? Math.max(...times) : pointer.windowEndAtMs - zeroMs
  const summary = summarizeTelemetry({
    samples: onRunClock,
    windowStartMs: Number.isFinite(startMs) ? startMs : 0,
    windowEndMs: Number.isFinite(endMs) ? endMs : 0,
    client,
    idleWatts: pointer.idleWatts,
  })
  const problems = [...pointer.notes, ...selected.problems, ...summary.problems]
  // Nothing was scraped: the note that says why (an endpoint that did not answer) is the reason.
  const reason =
    !summary.available && samples.length === 0 && pointer.notes[0] !== undefined
      ? pointer.notes[0]
      : summary.reason
  return { ...summary, reason, problems }
}

/** `<run>.server-metrics.jsonl` beside `<run>.jsonl`. */
export function serverMetricsPathOf(rawPath: string): string {
  return rawPath.replace(/(\.jsonl)?$/, '.server-metrics.jsonl')
}

/** Every sample of a server-metrics file; a torn last line (a killed run) is skipped. */
export async function readServerMetricsFile(path: string): Promise<TelemetrySample[]> {
  const samples: TelemetrySample[] = []
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  })
  for await (const line of lines) {
    if (line.trim() === '') continue
    try {
      samples.push(sampleFromJsonLine(line))
    } catch {
      // A line cut by a crash holds no sample; the rest of the file still summarizes.
    }
  }
  return samples
}

/**
 * The server section of a run on disk (report, summarize): undefined when its meta has no
 * pointer (a run from before telemetry, or one whose meta is lost).
 */
export async function readServerSide(
  rawPath: string,
  meta: RunMeta | null,
  summary: Summary,
): Promise<TelemetrySummary | undefined> {
  const pointer = meta?.serverMetrics
  if (pointer === undefined) return undefined
  if (pointer.off !== null || pointer.file === null) {
    return summarizeServerSide([], pointer, clientTotalsOf(summary))
  }
  const path = join(dirname(rawPath), pointer.file)
  if (!existsSync(path)) return unavailableServerSide(`the server-metrics file ${pointer.file} is missing`)
  return summarizeServerSide(await readServerMetricsFile(path), pointer, clientTotalsOf(summary))
}

/** The summary with its server section read back from the files, when the run recorded one. */
export async function withServerSide(
  summary: Summary,
  rawPath: string,
  meta: RunMeta | null,
): Promise<Summary> {
  const server = await readServerSide(rawPath, meta, summary)
  return server === undefined ? summary : { ...summary, server }
}
