// GET /metrics of the simulator: vLLM's metric names read off the engine, plus a simulated
// GPU in the DCGM exporter's names (marked simulated="true"), so the whole telemetry path
// (scrape, token agreement, tokens per joule) runs against `--target sim`.
//
// Power model: P = idleWatts + wattsPerSequence × sequences in the batch. Energy is its exact
// integral on the engine's planned step times: idle × elapsed + perSequence × Σ(batch size ×
// step time). W × ms = mJ, the DCGM counter's unit. KV-cache usage is batch occupancy
// (running / maxBatchSize): the batch model has no paged memory, and a full batch is where
// vLLM would start to queue.
import type { SimOptions } from '../types.js'
import type { Engine, SequenceSpec } from './engine.js'
import type { ModelEngines } from './model-engines.js'

// vLLM's own TTFT / e2e bucket bounds (seconds).
const TTFT_BUCKETS_S = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
]
const E2E_BUCKETS_S = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240]
// vLLM buckets its queue time like e2e latency (from 0.3 s up), which would put every wait of
// the simulator's millisecond steps into the first bucket; the TTFT bounds resolve them.
const QUEUE_BUCKETS_S = TTFT_BUCKETS_S

interface LatencyHistogram {
  bounds: number[]
  counts: number[]
  count: number
  sum: number
}

const newHistogram = (bounds: number[]): LatencyHistogram => ({
  bounds,
  counts: bounds.map(() => 0),
  count: 0,
  sum: 0,
})

function observe(histogram: LatencyHistogram, seconds: number): void {
  histogram.bounds.forEach((le, i) => {
    if (seconds <= le) histogram.counts[i] = (histogram.counts[i] ?? 0) + 1
  })
  histogram.count += 1
  histogram.sum += seconds
}

export interface MeteredEngine extends ModelEngines {
  /** The Prometheus text exposition of the current state. */
  metricsText(): string
}

/** Wraps the engine to count tokens and latencies as vLLM does, and serves them as text. */
export function meterEngine(
  engines: ModelEngines,
  options: SimOptions,
  nowMs: () => number = () => performance.now(),
): MeteredEngine {
  const startedMs = nowMs()
  let promptTokens = 0
  let generationTokens = 0
  let finished = 0
  const ttft = newHistogram(TTFT_BUCKETS_S)
  const e2e = newHistogram(E2E_BUCKETS_S)
  const queue = newHistogram(QUEUE_BUCKETS_S)

  function submit(engine: Engine, spec: SequenceSpec): () => void {
    const submittedMs = nowMs()
    promptTokens += spec.promptTokens
    return engine.submit({
      ...spec,
      // Arrival at the engine → admission into the batch, on the engine's own clock.
      onAdmit(queuedMs) {
        observe(queue, queuedMs / 1000)
        spec.onAdmit?.(queuedMs)
      },
      onToken(index) {
        generationTokens += 1
        if (index === 0) observe(ttft, (nowMs() - submittedMs) / 1000)
        spec.onToken(index)
      },
      onFinish() {
        finished += 1
        observe(e2e, (nowMs() - submittedMs) / 1000)
        spec.onFinish()
      },
    })
  }

  function metricsText(): string {
    const stats = engines.stats()
    const model = `model_name="${options.models[0] ?? 'sim'}"`
    const gpu =
      'gpu="0",UUID="GPU-00000000-sim",device="nvidia0",modelName="Run Bench simulated GPU",simulated="true"'
    const elapsedMs = nowMs() - startedMs
    const energyMj = options.idleWatts * elapsedMs + options.wattsPerSequence * engines.sequenceMs()
    const watts = options.idleWatts + options.wattsPerSequence * stats.running
    const lines: string[] = []
    const scalar = (name: string, type: 'gauge' | 'counter', help: string, labels: string, value: number) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}{${labels}} ${value}`)
    }
    const histogram = (name: string, help: string, h: LatencyHistogram) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`)
      h.bounds.forEach((le, i) => {
        lines.push(`${name}_bucket{${model},le="${le}"} ${h.counts[i]}`)
      })
      lines.push(`${name}_bucket{${model},le="+Inf"} ${h.count}`, `${name}_count{${model}} ${h.count}`)
      lines.push(`${name}_sum{${model}} ${h.sum}`)
    }
    scalar(
      'vllm:num_requests_running',
      'gauge',
      'Number of requests in model execution batches.',
      model,
      stats.running,
    )
    scalar(
      'vllm:num_requests_waiting',
      'gauge',
      'Number of requests waiting to be processed.',
      model,
      stats.waiting,
    )
    scalar(
      'vllm:kv_cache_usage_perc',
      'gauge',
      'KV-cache usage. 1 means 100 percent usage.',
      model,
      stats.running / options.maxBatchSize,
    )
    scalar('vllm:prompt_tokens_total', 'counter', 'Number of prefill tokens processed.', model, promptTokens)
    scalar(
      'vllm:generation_tokens_total',
      'counter',
      'Number of generation tokens processed.',
      model,
      generationTokens,
    )
    scalar(
      'vllm:request_success_total',
      'counter',
      'Count of successfully processed requests.',
      `${model},finished_reason="length"`,
      finished,
    )
    // vLLM's prefix-cache counters (in tokens), only when the simulator models a prefix cache.
    const cache = engines.prefixCacheStats()
    if (cache !== null) {
      scalar(
        'vllm:prefix_cache_queries_total',
        'counter',
        'Prefix cache queries, in tokens.',
        model,
        cache.queriedTokens,
      )
      scalar(
        'vllm:prefix_cache_hits_total',
        'counter',
        'Prefix cache hits, in tokens.',
        model,
        cache.hitTokens,
      )
    }
    histogram('vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', ttft)
    histogram('vllm:e2e_request_latency_seconds', 'Histogram of e2e request latency in seconds.', e2e)
    histogram(
      'vllm:request_queue_time_seconds',
      'Histogram of time spent in WAITING phase for request.',
      queue,
    )
    scalar('DCGM_FI_DEV_POWER_USAGE', 'gauge', 'Power draw (in W).', gpu, watts)
    scalar(
      'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION',
      'counter',
      'Total energy consumption since boot (in mJ).',
      gpu,
      Math.round(energyMj),
    )
    scalar(
      'DCGM_FI_DEV_GPU_UTIL',
      'gauge',
      'GPU utilization (in %).',
      gpu,
      Math.round((100 * stats.running) / options.maxBatchSize),
    )
    return `${lines.join('\n')}\n`
  }

  const metered = new Map<Engine, Engine>()
  function forModel(model: string): Engine {
    const engine = engines.forModel(model)
    let wrapped = metered.get(engine)
    if (wrapped === undefined) {
      wrapped = { ...engine, submit: (spec) => submit(engine, spec) }
      metered.set(engine, wrapped)
    }
    return wrapped
  }
  return { ...engines, forModel, metricsText }
}
