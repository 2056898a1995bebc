// The server section's rows of the summary CSV: numbers in the `mean` column with their
// unit and a note, so a spreadsheet reads them; one row saying why when there is nothing.
import type { TelemetrySummary } from '../types.js'
import { energySourceText, fixed, missingReason, noTelemetryLine } from './server-section.js'

export interface ServerCsvRow {
  metric: string
  unit: string
  value: number | null
  note: string
}

const round = (value: number | null | undefined, decimals: number): number | null =>
  value === null || value === undefined || !Number.isFinite(value) ? null : Number(value.toFixed(decimals))

/** Rows of the summary CSV (metric, unit, value in the mean column, note). */
export function serverCsvRows(server: TelemetrySummary | null | undefined): ServerCsvRow[] {
  if (server === undefined) return []
  const reason = missingReason(server)
  if (reason !== null || server === null) {
    return [{ metric: 'server_telemetry', unit: '', value: null, note: noTelemetryLine(reason ?? '') }]
  }
  const { energy } = server
  const percent = (fraction: number | null | undefined) =>
    fraction === null || fraction === undefined ? null : fraction * 100
  return [
    {
      metric: 'tokens_per_joule',
      unit: 'tokens/J',
      value: round(server.tokensPerJoule, 4),
      note: 'output tokens of successful requests / joules in the window',
    },
    {
      metric: 'avg_power_w',
      unit: 'W',
      value: round(server.averagePowerWatts, 1),
      note: 'GPU power averaged over the window',
    },
    { metric: 'energy_j', unit: 'J', value: round(energy.joules, 1), note: energySourceText(energy) },
    {
      metric: 'joules_per_request',
      unit: 'J',
      value: round(server.joulesPerRequest, 3),
      note: 'per successful request',
    },
    ...(energy.idleWatts === null
      ? []
      : [
          {
            metric: 'dynamic_energy_j',
            unit: 'J',
            value: round(energy.dynamicJoules, 1),
            note: `above an idle baseline of ${fixed(energy.idleWatts, 1, ' W')}`,
          },
        ]),
    {
      metric: 'generation_token_agreement_pct',
      unit: '%',
      value: round(server.generationAgreementPercent, 2),
      note: `server counted ${server.serverGenerationTokens ?? 'none'}`,
    },
    {
      metric: 'prompt_token_agreement_pct',
      unit: '%',
      value: round(server.promptAgreementPercent, 2),
      note: `server counted ${server.serverPromptTokens ?? 'none'}`,
    },
    {
      metric: 'prefix_cache_hit_rate_pct',
      unit: '%',
      value: round(percent(server.prefixCacheHitRate), 2),
      note: 'prefix-cache hits / queries in the window',
    },
    {
      metric: 'server_waiting_mean',
      unit: 'requests',
      value: round(server.waiting?.mean, 2),
      note: `max ${fixed(server.waiting?.max, 0)}`,
    },
    {
      metric: 'server_running_mean',
      unit: 'requests',
      value: round(server.running?.mean, 2),
      note: `max ${fixed(server.running?.max, 0)}`,
    },
    {
      metric: 'kv_cache_usage_pct',
      unit: '%',
      value: round(percent(server.kvCacheUsage?.mean), 2),
      note: `mean; max ${fixed(percent(server.kvCacheUsage?.max), 1, ' %')}`,
    },
    {
      metric: 'gpu_util_pct',
      unit: '%',
      value: round(server.gpuUtilPercent?.mean, 2),
      note: 'mean over GPUs and samples',
    },
    {
      metric: 'server_ttft_p50_ms',
      unit: 'ms',
      value: round(server.serverTtft?.p50, 1),
      note: 'from histogram bucket deltas',
    },
    {
      metric: 'server_ttft_p99_ms',
      unit: 'ms',
      value: round(server.serverTtft?.p99, 1),
      note: 'from histogram bucket deltas',
    },
  ]
}
