// Starts Debian's real Prometheus and Pushgateway on 127.0.0.1 with a temporary config and
// storage, for the live-exporter and dashboard tests. Tests skip when a binary is missing
// (.ci/run installs both: apt-get install prometheus prometheus-pushgateway).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? 'prometheus'
export const PUSHGATEWAY_BIN = process.env.PUSHGATEWAY_BIN ?? 'prometheus-pushgateway'

/** Why a binary cannot be used, or null when it runs. */
export function missingBinary(bin: string): string | null {
  const probe = spawnSync(bin, ['--version'], { encoding: 'utf8' })
  return probe.error ? `${bin} is not installed (apt-get install prometheus prometheus-pushgateway)` : null
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

interface Running {
  child: ChildProcess
  logTail(): string
}

function launch(bin: string, args: string[]): Running {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-4000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return { child, logTail: () => log }
}

async function waitReady(url: string, running: Running, what: string): Promise<void> {
  const deadline = performance.now() + 20_000
  while (performance.now() < deadline) {
    if (running.child.exitCode !== null) throw new Error(`${what} exited: ${running.logTail()}`)
    try {
      const res = await request(url)
      await res.body.text()
      if (res.statusCode === 200) return
    } catch {
      // Not listening yet: keep polling until the deadline.
    }
    await sleep(100)
  }
  throw new Error(`${what} not ready after 20 s: ${running.logTail()}`)
}

function stop(running: Running, dir: string): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      rmSync(dir, { recursive: true, force: true })
      resolve()
    }
    if (running.child.exitCode !== null) return done()
    running.child.once('exit', done)
    running.child.kill('SIGTERM')
  })
}

export interface ScrapeJob {
  job: string
  /** host:port */
  target: string
  path?: string
}

export interface PrometheusServer {
  url: string
  /** Instant query (now, or at atSec epoch seconds); the `data.result` vector. */
  query(expr: string, atSec?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]>
  logTail(): string
  close(): Promise<void>
}

/**
 * Prometheus scraping `jobs` every second; resolves once the jobs in `awaitJobs` (default
 * all) have been scraped, so a job whose target starts later (a run's --prometheus-port) can
 * be left out of the wait.
 */
export async function startPrometheus(
  jobs: readonly ScrapeJob[],
  options: { awaitJobs?: readonly string[] } = {},
): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'run-bench-prometheus-'))
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    ...jobs.flatMap((job) => [
      `  - job_name: ${JSON.stringify(job.job)}`,
      `    metrics_path: ${JSON.stringify(job.path ?? '/metrics')}`,
      '    static_configs:',
      `      - targets: [${JSON.stringify(job.target)}]`,
    ]),
  ].join('\n')
  writeFileSync(join(dir, 'prometheus.yml'), `${config}\n`)
  const port = await freePort()
  const running = launch(PROMETHEUS_BIN, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ])
  const url = `http://127.0.0.1:${port}`
  await waitReady(`${url}/-/ready`, running, 'prometheus')
  const server: PrometheusServer = {
    url,
    async query(expr, atSec) {
      const at = atSec === undefined ? '' : `&time=${atSec}`
      const res = await request(`${url}/api/v1/query?query=${encodeURIComponent(expr)}${at}`)
      const body = (await res.body.json()) as {
        status: string
        error?: string
        data?: { result: { metric: Record<string, string>; value: [number, string] }[] }
      }
      if (body.status !== 'success') throw new Error(`PromQL ${expr}: ${body.error}`)
      return body.data?.result ?? []
    },
    logTail: running.logTail,
    close: () => stop(running, dir),
  }
  // Prometheus hands new targets to its scrape loops only every 5 s (discovery throttle), so
  // "ready" comes well before the first scrape; wait until every job has been scraped once.
  const deadline = performance.now() + 20_000
  const awaited = options.awaitJobs ?? jobs.map((job) => job.job)
  const allUp = async () => {
    const up = new Set((await server.query('up == 1')).map((r) => r.metric.job))
    return awaited.every((job) => up.has(job))
  }
  while (!(await allUp())) {
    if (performance.now() > deadline) {
      await server.close()
      throw new Error(`prometheus scraped no target within 20 s: ${running.logTail()}`)
    }
    await sleep(200)
  }
  return server
}

export interface PushgatewayServer {
  url: string
  /** The gateway's own /metrics text (what Prometheus would scrape from it). */
  metricsText(): Promise<string>
  close(): Promise<void>
}

export async function startPushgateway(): Promise<PushgatewayServer> {
  const dir = mkdtempSync(join(tmpdir(), 'run-bench-pushgateway-'))
  const port = await freePort()
  // Debian's build persists to /var/lib/prometheus by default: groups of earlier tests would reappear.
  const running = launch(PUSHGATEWAY_BIN, [
    `--web.listen-address=127.0.0.1:${port}`,
    `--persistence.file=${join(dir, 'pushgateway.data')}`,
    '--log.level=warn',
  ])
  const url = `http://127.0.0.1:${port}`
  await waitReady(`${url}/-/ready`, running, 'pushgateway')
  return {
    url,
    async metricsText() {
      const res = await request(`${url}/metrics`)
      return res.body.text()
    },
    close: () => stop(running, dir),
  }
}
