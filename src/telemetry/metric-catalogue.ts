// Which engine metric means what. One concept (waiting requests, KV-cache usage, generated
// tokens, GPU power…) is spelled differently by every engine; the summary works on concepts.
// Sources of the names: test/fixtures/metrics/SOURCES.md.

export type Concept =
  | 'waiting'
  | 'running'
  | 'kv_cache_usage'
  | 'prefix_cache_hits'
  | 'prefix_cache_queries'
  | 'prefix_cache_hit_rate'
  | 'generation_tokens'
  | 'prompt_tokens'
  | 'requests'
  | 'ttft_seconds'
  | 'e2e_seconds'
  | 'queue_seconds'
  | 'gpu_power_watts'
  | 'gpu_energy_mj'
  | 'gpu_util_percent'
  | 'gpu_fb_used_mib'
  | 'gpu_temp_c'
  | 'gpu_sm_clock_mhz'

export type Source = 'vllm' | 'sglang' | 'tgi' | 'llamacpp' | 'litellm' | 'dcgm'

/**
 * How a series is read: gauges as time series, counters as reset-aware deltas, histograms as
 * bucket deltas. `histogram_sum` reads a histogram's `_sum` as a counter (TGI counts generated
 * tokens only as a histogram of per-request lengths).
 */
export type Reading = 'gauge' | 'counter' | 'histogram' | 'histogram_sum'

export interface CatalogueEntry {
  source: Source
  name: string
  concept: Concept
  reading: Reading
  /** Multiplier to the concept's unit (KV usage is a 0..1 fraction everywhere). */
  scale?: number
}

const entry = (
  source: Source,
  name: string,
  concept: Concept,
  reading: Reading,
  scale?: number,
): CatalogueEntry =>
  scale === undefined ? { source, name, concept, reading } : { source, name, concept, reading, scale }

export const METRIC_CATALOGUE: readonly CatalogueEntry[] = [
  entry('vllm', 'vllm:num_requests_waiting', 'waiting', 'gauge'),
  entry('vllm', 'vllm:num_requests_running', 'running', 'gauge'),
  entry('vllm', 'vllm:kv_cache_usage_perc', 'kv_cache_usage', 'gauge'),
  // vLLM before v0.10 (V0 engine) named the same gauge gpu_cache_usage_perc.
  entry('vllm', 'vllm:gpu_cache_usage_perc', 'kv_cache_usage', 'gauge'),
  entry('vllm', 'vllm:prefix_cache_hits_total', 'prefix_cache_hits', 'counter'),
  entry('vllm', 'vllm:prefix_cache_queries_total', 'prefix_cache_queries', 'counter'),
  entry('vllm', 'vllm:generation_tokens_total', 'generation_tokens', 'counter'),
  entry('vllm', 'vllm:prompt_tokens_total', 'prompt_tokens', 'counter'),
  entry('vllm', 'vllm:request_success_total', 'requests', 'counter'),
  entry('vllm', 'vllm:time_to_first_token_seconds', 'ttft_seconds', 'histogram'),
  entry('vllm', 'vllm:e2e_request_latency_seconds', 'e2e_seconds', 'histogram'),
  entry('vllm', 'vllm:request_queue_time_seconds', 'queue_seconds', 'histogram'),

  entry('sglang', 'sglang:num_queue_reqs', 'waiting', 'gauge'),
  entry('sglang', 'sglang:num_running_reqs', 'running', 'gauge'),
  entry('sglang', 'sglang:token_usage', 'kv_cache_usage', 'gauge'),
  entry('sglang', 'sglang:cache_hit_rate', 'prefix_cache_hit_rate', 'gauge'),
  entry('sglang', 'sglang:generation_tokens_total', 'generation_tokens', 'counter'),
  entry('sglang', 'sglang:prompt_tokens_total', 'prompt_tokens', 'counter'),
  entry('sglang', 'sglang:num_requests_total', 'requests', 'counter'),
  entry('sglang', 'sglang:time_to_first_token_seconds', 'ttft_seconds', 'histogram'),
  entry('sglang', 'sglang:e2e_request_latency_seconds', 'e2e_seconds', 'histogram'),
  entry('sglang', 'sglang:queue_time_seconds', 'queue_seconds', 'histogram'),

  entry('tgi', 'tgi_queue_size', 'waiting', 'gauge'),
  entry('tgi', 'tgi_batch_current_size', 'running', 'gauge'),
  entry('tgi', 'tgi_request_generated_tokens', 'generation_tokens', 'histogram_sum'),
  entry('tgi', 'tgi_request_input_length', 'prompt_tokens', 'histogram_sum'),
  entry('tgi', 'tgi_request_success', 'requests', 'counter'),
  entry('tgi', 'tgi_request_duration', 'e2e_seconds', 'histogram'),
  entry('tgi', 'tgi_request_queue_duration', 'queue_seconds', 'histogram'),

  entry('llamacpp', 'llamacpp:requests_deferred', 'waiting', 'gauge'),
  entry('llamacpp', 'llamacpp:requests_processing', 'running', 'gauge'),
  entry('llamacpp', 'llamacpp:kv_cache_usage_ratio', 'kv_cache_usage', 'gauge'),
  entry('llamacpp', 'llamacpp:tokens_predicted_total', 'generation_tokens', 'counter'),
  entry('llamacpp', 'llamacpp:prompt_tokens_total', 'prompt_tokens', 'counter'),

  entry('litellm', 'litellm_output_tokens_metric_total', 'generation_tokens', 'counter'),
  entry('litellm', 'litellm_input_tokens_metric_total', 'prompt_tokens', 'counter'),
  entry('litellm', 'litellm_proxy_total_requests_metric_total', 'requests', 'counter'),
  entry('litellm', 'litellm_llm_api_time_to_first_token_metric', 'ttft_seconds', 'histogram'),
  entry('litellm', 'litellm_request_total_latency_metric', 'e2e_seconds', 'histogram'),

  entry('dcgm', 'DCGM_FI_DEV_POWER_USAGE', 'gpu_power_watts', 'gauge'),
  entry('dcgm', 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', 'gpu_energy_mj', 'counter'),
  entry('dcgm', 'DCGM_FI_DEV_GPU_UTIL', 'gpu_util_percent', 'gauge'),
  entry('dcgm', 'DCGM_FI_DEV_FB_USED', 'gpu_fb_used_mib', 'gauge'),
  entry('dcgm', 'DCGM_FI_DEV_GPU_TEMP', 'gpu_temp_c', 'gauge'),
  entry('dcgm', 'DCGM_FI_DEV_SM_CLOCK', 'gpu_sm_clock_mhz', 'gauge'),
]

const BY_NAME = new Map(METRIC_CATALOGUE.map((item) => [item.name, item]))

export function catalogueEntry(name: string): CatalogueEntry | undefined {
  return BY_NAME.get(name)
}

/** GPU concepts carry a per-GPU identity (the DCGM `gpu` label or nvidia-smi's index). */
export function isGpuConcept(concept: Concept): boolean {
  return concept.startsWith('gpu_')
}
