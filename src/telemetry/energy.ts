// Joules in the measurement window. The delta of a cumulative energy counter (DCGM's
// TOTAL_ENERGY_CONSUMPTION, NVML total energy, in mJ) when every GPU has one; otherwise the
// integral of sampled power (trapezoids, the power held flat past the first/last sample).
// Every figure carries its source, sample count and largest gap, because a 30 s DCGM
// exporter interval over a 60 s run makes the integral a guess.
import type { EnergyFigure, EnergySource, Point } from '../types.js'
import { counterConceptIncrease, gaugePoints } from './concept-readings.js'
import type { TelemetrySample } from './sample.js'

export type { EnergyFigure, EnergySource } from '../types.js'

/** A gap above this share of the window makes the power integral too coarse to trust. */
const MAX_GAP_SHARE = 0.25

/** ∫ P dt over [startMs, endMs] in joules, linear between points, flat beyond them. */
export function integratePowerJoules(points: readonly Point[], startMs: number, endMs: number): number {
  if (points.length === 0 || endMs <= startMs) return 0
  const valueAt = (t: number): number => {
    const first = points[0] as Point
    const last = points[points.length - 1] as Point
    if (t <= first.atMs) return first.value
    if (t >= last.atMs) return last.value
    const i = points.findIndex((p) => p.atMs >= t)
    const a = points[i - 1] as Point
    const b = points[i] as Point
    return a.value + ((b.value - a.value) * (t - a.atMs)) / (b.atMs - a.atMs)
  }
  const cuts = [startMs, ...points.map((p) => p.atMs).filter((t) => t > startMs && t < endMs), endMs]
  let wattMs = 0
  for (let i = 1; i < cuts.length; i += 1) {
    const t0 = cuts[i - 1] as number
    const t1 = cuts[i] as number
    wattMs += ((valueAt(t0) + valueAt(t1)) / 2) * (t1 - t0)
  }
  return wattMs / 1000
}

function largestGap(times: readonly number[]): number | null {
  if (times.length < 2) return null
  let gap = 0
  for (let i = 1; i < times.length; i += 1)
    gap = Math.max(gap, (times[i] as number) - (times[i - 1] as number))
  return gap
}

/**
 * Energy over [startMs, endMs] from the GPU samples of every source (bracketed around the
 * window by the caller). Sources are summed: one DCGM exporter per node.
 */
export function estimateEnergy(
  samplesBySource: ReadonlyMap<string, readonly TelemetrySample[]>,
  startMs: number,
  endMs: number,
  idleWatts: number | null = null,
): EnergyFigure {
  const windowMs = endMs - startMs
  let counterJoules = 0
  let integralJoules = 0
  let everyCounter = true
  let anyPower = false
  let sampleCount = 0
  let gap: number | null = null
  for (const samples of samplesBySource.values()) {
    const power = gaugePoints(samples, 'gpu_power_watts')
    const energyReadings = samples.filter(
      (s) => s.ok && s.series.some((x) => x.name.endsWith('TOTAL_ENERGY_CONSUMPTION')),
    )
    // The counter is used only when every GPU that reports power also has one; a mix of
    // counted and integrated GPUs would hide which figure is exact.
    const gpusWith = (suffix: string) =>
      new Set(
        samples.flatMap((s) =>
          s.series.filter((x) => x.name.endsWith(suffix)).map((x) => x.labels.gpu ?? ''),
        ),
      )
    const energyGpus = gpusWith('TOTAL_ENERGY_CONSUMPTION')
    const everyGpuCounted = [...gpusWith('POWER_USAGE')].every((gpu) => energyGpus.has(gpu))
    const increaseMj =
      energyReadings.length >= 2 && everyGpuCounted
        ? counterConceptIncrease(energyReadings, 'gpu_energy_mj')
        : null
    if (power.length === 0 && increaseMj === null) continue
    anyPower = true
    const times = (increaseMj === null ? power : energyReadings).map((p) => p.atMs)
    sampleCount += times.length
    const sourceGap = largestGap(times)
    if (sourceGap !== null) gap = Math.max(gap ?? 0, sourceGap)
    if (increaseMj === null) everyCounter = false
    else counterJoules += increaseMj / 1000
    integralJoules += integratePowerJoules(power, startMs, endMs)
  }
  if (!anyPower) {
    return {
      joules: null,
      source: 'none',
      sampleCount: 0,
      largestGapMs: null,
      windowMs,
      averageWatts: null,
      idleWatts,
      dynamicJoules: null,
      warning: null,
    }
  }
  const source: EnergySource = everyCounter ? 'energy_counter' : 'power_integral'
  const joules = everyCounter ? counterJoules : integralJoules
  let warning: string | null = null
  if (sampleCount < 2)
    warning = `Only ${sampleCount} GPU sample in the window: energy is a single reading held flat`
  else if (source === 'power_integral' && gap !== null && gap > windowMs * MAX_GAP_SHARE) {
    warning = `GPU power sampled too coarsely: largest gap ${Math.round(gap)} ms over a ${Math.round(windowMs)} ms window (the DCGM exporter samples every 30 s by default; lower its interval or use --gpu local)`
  }
  const windowS = windowMs / 1000
  return {
    joules,
    source,
    sampleCount,
    largestGapMs: gap,
    windowMs,
    averageWatts: windowS > 0 ? joules / windowS : null,
    idleWatts,
    dynamicJoules: idleWatts === null ? null : joules - idleWatts * windowS,
    warning,
  }
}

/** Idle power from samples taken before the load: mean of the summed GPU power. */
export function idleBaselineWatts(samples: readonly TelemetrySample[]): number | null {
  const points = gaugePoints(samples, 'gpu_power_watts')
  if (points.length === 0) return null
  return points.reduce((sum, p) => sum + p.value, 0) / points.length
}
