// Run Bench's own live metrics as a lifecycle hook: served on a port for the whole run
// (--prometheus-port) so a Prometheus watching a long soak sees the client beside the
// engine, and pushed once at the end to a Pushgateway (--pushgateway) for CI runs.
import { UsageError } from '../errors.js'
import type { LiveExporter, ServedExporter } from '../telemetry/live-exporter.js'
import type { RunHook } from './run-hooks.js'

export interface LiveMetricsHookOptions {
  /** Serve GET /metrics here during the run; null: not served. */
  listen: { host: string; port: number } | null
  /** Push the final values here when the load is over; null: no push. */
  pushgatewayUrl: string | null
  /** Job name of the pushed group. */
  job?: string
  /** Where a line for the user goes (cli/ prints it; run/ prints nothing). */
  note(line: string): void
}

/** The longest the end of a run waits for Prometheus to scrape the final values. */
const FINAL_SCRAPE_MAX_WAIT_MS = 30_000

export function createLiveMetricsHook(options: LiveMetricsHookOptions): RunHook {
  let exporter: LiveExporter | null = null
  let served: ServedExporter | null = null
  return {
    name: 'live-metrics',
    async beforeLoad(ctx) {
      // prom-client (~70 ms of CPU to load) only in a run that asked for live metrics.
      const { createLiveExporter } = await import('../telemetry/live-exporter.js')
      exporter = createLiveExporter({
        labels: {
          run_id: ctx.paths.runId,
          target: ctx.plan.target.name,
          model: ctx.plan.model.name,
          workload: ctx.plan.workload.name,
        },
      })
      if (options.listen !== null) {
        const { host, port } = options.listen
        try {
          served = await exporter.serve(port, host)
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
          throw new UsageError(`--prometheus-port: cannot listen on ${host}:${port} (${code})`, {
            hint: 'choose a free port (or 0 for any), or a host:port this machine has',
            cause: error,
          })
        }
        options.note(`Live metrics for Prometheus: ${served.url}`)
      }
    },
    onProgress(snapshot) {
      exporter?.setInFlight(snapshot.inFlight)
    },
    onRecord(record) {
      exporter?.observe(record)
    },
    async afterLoad() {
      if (exporter === null) return
      exporter.setInFlight(0)
      if (options.pushgatewayUrl !== null) {
        const pushed = await exporter.push(options.pushgatewayUrl, options.job ?? 'run-bench')
        options.note(
          pushed.ok ? `Pushed the final metrics to ${options.pushgatewayUrl}` : `Warning: ${pushed.error}`,
        )
      }
      // A counter's last increments reach Prometheus only with its next scrape: wait for it,
      // about one scrape interval (as seen from the last two scrapes), when one is watching.
      const [before, last] = served?.lastScrapesMs() ?? []
      if (served !== null && before !== undefined && last !== undefined) {
        const waitMs = Math.min(FINAL_SCRAPE_MAX_WAIT_MS, Math.max(1_000, 2 * (last - before)))
        const scraped = await served.nextScrape(waitMs)
        if (!scraped) options.note(`Warning: Prometheus did not scrape the final values within ${waitMs} ms`)
      }
    },
    async close() {
      await served?.close()
      served = null
    },
  }
}
