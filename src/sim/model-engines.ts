import type { SimOptions } from '../types.js'
import { createEngine, type Engine, type EngineClock, type EngineStats, realClock } from './engine.js'
import { simModelTiming } from './options.js'
import type { PrefixCacheStats } from './prefix-cache.js'

// One engine per served model, created on first use: two models behind one endpoint run on
// their own GPUs, so a 4B's batch never slows an 8B's. The server's stats sum them.

export interface ModelEngines {
  forModel(model: string): Engine
  stats(): EngineStats
  /** Σ over the engines of (sequences in the batch × step time), for the power model. */
  sequenceMs(): number
  /** The prefix caches' counters summed over the engines; null without a prefix cache. */
  prefixCacheStats(): PrefixCacheStats | null
  stop(): void
}

export function createModelEngines(options: SimOptions, clock: EngineClock = realClock): ModelEngines {
  const engines = new Map<string, Engine>()
  return {
    forModel(model) {
      let engine = engines.get(model)
      if (engine === undefined) {
        engine = createEngine(
          {
            ...simModelTiming(options, model),
            prefixCacheTokens: options.prefixCacheTokens,
            prefixCacheBlockTokens: options.prefixCacheBlockTokens,
          },
          clock,
        )
        engines.set(model, engine)
      }
      return engine
    },
    stats() {
      const total: EngineStats = { running: 0, waiting: 0, completed: 0, maxRunningSeen: 0, steps: 0 }
      for (const engine of engines.values()) {
        const one = engine.stats()
        total.running += one.running
        total.waiting += one.waiting
        total.completed += one.completed
        total.maxRunningSeen = Math.max(total.maxRunningSeen, one.maxRunningSeen)
        total.steps += one.steps
      }
      return total
    },
    sequenceMs() {
      let total = 0
      for (const engine of engines.values()) total += engine.sequenceMs()
      return total
    },
    prefixCacheStats() {
      if (options.prefixCacheTokens <= 0) return null
      const total: PrefixCacheStats = { queriedTokens: 0, hitTokens: 0, cachedTokens: 0 }
      for (const engine of engines.values()) {
        const one = engine.prefixCacheStats()
        if (one === null) continue
        total.queriedTokens += one.queriedTokens
        total.hitTokens += one.hitTokens
        total.cachedTokens += one.cachedTokens
      }
      return total
    },
    stop() {
      for (const engine of engines.values()) engine.stop()
    },
  }
}
