// The package ships no types; this is the subset of its output (prom2json's shape) we read.
declare module 'parse-prometheus-text-format' {
  interface RawMetric {
    value?: string
    labels?: Record<string, string>
    buckets?: Record<string, string>
    quantiles?: Record<string, string>
    count?: string
    sum?: string
    timestamp_ms?: string
  }
  interface RawFamily {
    name: string
    help: string
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED'
    metrics: RawMetric[]
  }
  export default function parsePrometheusTextFormat(text: string): RawFamily[]
}
