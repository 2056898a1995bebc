// nvidia-smi --query-gpu … --format=csv,noheader,nounits: one line per GPU per period, values
// in the field order asked for, "[N/A]" / "[Not Supported]" where the GPU cannot say.
// Each field is written under the DCGM exporter's metric name so GPU samples from either
// source go through the same summary (units match DCGM's: W, %, MiB, °C, MHz, mJ).
import type { PromSeries } from './prom-text.js'

export interface SmiField {
  /** The --query-gpu field name (see `nvidia-smi --help-query-gpu`). */
  query: string
  /** The DCGM exporter name it is reported as. */
  dcgmName: string
  kind: 'gauge' | 'counter'
}

export const SMI_FIELDS: readonly SmiField[] = [
  { query: 'power.draw', dcgmName: 'DCGM_FI_DEV_POWER_USAGE', kind: 'gauge' },
  { query: 'utilization.gpu', dcgmName: 'DCGM_FI_DEV_GPU_UTIL', kind: 'gauge' },
  { query: 'memory.used', dcgmName: 'DCGM_FI_DEV_FB_USED', kind: 'gauge' },
  { query: 'temperature.gpu', dcgmName: 'DCGM_FI_DEV_GPU_TEMP', kind: 'gauge' },
  { query: 'clocks.sm', dcgmName: 'DCGM_FI_DEV_SM_CLOCK', kind: 'gauge' },
]

/** Cumulative energy since the driver loaded, in mJ; only newer drivers list it. */
export const SMI_ENERGY_FIELD: SmiField = {
  query: 'total_energy_consumption',
  dcgmName: 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION',
  kind: 'counter',
}

export type SmiLine = { ok: true; gpu: string; series: PromSeries[] } | { ok: false; problem: string }

/** Parses one CSV line for `fields` (asked after `index`). Unavailable values are left out. */
export function parseSmiLine(line: string, fields: readonly SmiField[]): SmiLine {
  const cells = line.split(',').map((cell) => cell.trim())
  if (cells.length !== fields.length + 1) {
    return {
      ok: false,
      problem: `nvidia-smi: expected ${fields.length + 1} values, got ${cells.length}: ${line.slice(0, 80)}`,
    }
  }
  const gpu = cells[0] as string
  if (!/^\d+$/.test(gpu))
    return { ok: false, problem: `nvidia-smi: GPU index is not a number: ${line.slice(0, 80)}` }
  const series: PromSeries[] = []
  fields.forEach((field, i) => {
    const text = cells[i + 1] as string
    const value = Number(text)
    // "[N/A]", "[Not Supported]", "[Unknown Error]": the GPU did not say; not a zero.
    if (text === '' || text.startsWith('[') || !Number.isFinite(value)) return
    series.push({ name: field.dcgmName, kind: field.kind, labels: { gpu, simulated: 'false' }, value })
  })
  return { ok: true, gpu, series }
}

/** The nvidia-smi arguments for sampling every `intervalMs`. */
export function smiArgs(fields: readonly SmiField[], intervalMs: number): string[] {
  return [
    `--query-gpu=${['index', ...fields.map((f) => f.query)].join(',')}`,
    '--format=csv,noheader,nounits',
    `-lms=${Math.max(1, Math.round(intervalMs))}`,
  ]
}
