// 1. Ceiling: how many streamed requests per second the client completes, and its CPU per
// request, against a server that answers a 128-token stream in one write. Reference: a
// minimal node:http reader without SSE parsing, in the same run against the same server.

import type { BenchContext, SectionResult } from '../bench-context.js'
import { benchPlan } from '../bench-plan.js'
import { runProduct } from '../product-run.js'
import { runRawHttpClient } from '../raw-http-client.js'
import { fixed, type GoalResult, type Row } from '../report-table.js'
import { type ServerStats, startServer } from '../server-process.js'

const GOAL_RPS = 8000
const GOAL_CPU_MS = 0.1

interface Measured {
  rps: number
  cpuMsPerRequest: number
  serverCpuMsPerRequest: number
  /** Server CPU time over wall time: 1 = one core busy all the time. */
  serverCores: number
  recordPathMsPerRequest: number
  errors: number
  firstError: string | null
}

function better(a: Measured | null, b: Measured): Measured {
  if (a === null) return b
  return a.rps >= b.rps ? a : b
}

export async function ceilingSection(bench: BenchContext): Promise<SectionResult> {
  const durationSec = bench.quick ? 1 : 3
  const rounds = bench.quick ? 1 : 2
  const server = await startServer('canned-server', ['--tokens', '128'])
  const rows: Row[] = []
  const goals: GoalResult[] = []
  const notes: string[] = []
  try {
    for (const concurrency of [64, 256]) {
      let reference: Measured | null = null
      let single: Measured | null = null
      let multi: Measured | null = null
      await runRawHttpClient(server.baseUrl, concurrency, 500) // JIT warm-up, not measured
      for (let round = 0; round < rounds; round++) {
        // Interleaved, so a neighbour's load on this shared machine hits all three alike.
        await server.ask('reset')
        const raw = await runRawHttpClient(server.baseUrl, concurrency, durationSec * 1000)
        const rawServer = await server.ask<ServerStats>('stats')
        reference = better(reference, {
          rps: (raw.completed / raw.elapsedMs) * 1000,
          cpuMsPerRequest: raw.cpuMs / raw.completed,
          serverCpuMsPerRequest: rawServer.cpuMs / rawServer.requests,
          serverCores: rawServer.cpuMs / raw.elapsedMs,
          recordPathMsPerRequest: 0,
          errors: raw.failed,
          firstError: null,
        })
        for (const workers of [1, bench.workers]) {
          const plan = benchPlan(server.baseUrl, { concurrency, durationSec, maxTokens: 128 })
          const run = await runProduct(bench.product, plan, {
            workers,
            warmupSec: bench.quick ? 0.3 : 0.5,
            beforeRun: () => server.ask('reset'),
          })
          const stats = await server.ask<ServerStats>('stats')
          const measured: Measured = {
            rps: (run.ok / run.windowMs) * 1000,
            cpuMsPerRequest: run.cpuMs / run.completed,
            serverCpuMsPerRequest: stats.cpuMs / stats.requests,
            serverCores: stats.cpuMs / run.wallMs,
            recordPathMsPerRequest: run.recordPathMs / run.completed,
            errors: run.completed - run.ok,
            firstError: run.firstError,
          }
          if (workers === 1) single = better(single, measured)
          else multi = better(multi, measured)
        }
      }
      if (reference === null || single === null || multi === null) throw new Error('ceiling: no rounds ran')
      const ref = reference
      const goalRps = concurrency === 64 ? `>= ${GOAL_RPS}` : '-'
      const best = single.rps >= multi.rps ? single : multi
      const bestLabel = best === single ? '1 thread' : `${bench.workers} workers`
      rows.push(
        {
          figure: `c=${concurrency} req/s, Run Bench 1 thread`,
          measured: fixed(single.rps, 0),
          reference: `${fixed(ref.rps, 0)} raw node:http`,
          goal: goalRps,
          met: concurrency === 64 ? single.rps >= GOAL_RPS : null,
        },
        {
          figure: `c=${concurrency} req/s, Run Bench --workers ${bench.workers}`,
          measured: fixed(multi.rps, 0),
          reference: `${fixed(ref.rps, 0)} raw node:http`,
          goal: goalRps,
          met: concurrency === 64 ? multi.rps >= GOAL_RPS : null,
        },
        {
          figure: `c=${concurrency} gain of --workers ${bench.workers} over 1 thread`,
          measured: `${fixed(multi.rps / single.rps, 2)}x`,
          reference: `${bench.cpus} cores, server included`,
          goal: 'printed',
          met: null,
        },
        {
          figure: `c=${concurrency} client CPU ms/request, 1 thread`,
          measured: fixed(single.cpuMsPerRequest, 3),
          reference: `${fixed(ref.cpuMsPerRequest, 3)} raw node:http`,
          goal: `<= ${GOAL_CPU_MS.toFixed(2)}`,
          met: single.cpuMsPerRequest <= GOAL_CPU_MS,
        },
        {
          figure: `c=${concurrency} client CPU ms/request, ${bench.workers} workers`,
          measured: fixed(multi.cpuMsPerRequest, 3),
          reference: `${fixed(ref.cpuMsPerRequest, 3)} raw node:http`,
          goal: '-',
          met: null,
        },
        {
          figure: `c=${concurrency}   of which records to disk + stats`,
          measured: fixed(single.recordPathMsPerRequest, 3),
          reference: '0 (the reference keeps nothing)',
          goal: '-',
          met: null,
        },
        {
          figure: `c=${concurrency} server CPU ms/request (cores busy)`,
          measured: `${fixed(best.serverCpuMsPerRequest, 3)} (${fixed(best.serverCores, 2)})`,
          reference: `${fixed(ref.serverCpuMsPerRequest, 3)} (${fixed(ref.serverCores, 2)})`,
          goal: 'server < 0.9 core',
          met: best.serverCores < 0.9,
        },
      )
      for (const [label, m] of [
        ['1 thread', single],
        [`${bench.workers} workers`, multi],
      ] as const) {
        if (m.errors > 0)
          notes.push(`c=${concurrency} ${label}: ${m.errors} failed requests, e.g. ${m.firstError}`)
      }
      if (concurrency === 64) {
        const cores = bench.cpus
        goals.push({
          section: 'Ceiling',
          figure: 'completed req/s at c=64 (best of 1 thread / workers)',
          measured: `${fixed(best.rps, 0)} (${bestLabel})`,
          goal: `>= ${GOAL_RPS}`,
          met: best.rps >= GOAL_RPS,
          reason:
            `${cores} cores shared by client and server: the server used ${fixed(best.serverCores, 2)} core, ` +
            `the client ${fixed(best.cpuMsPerRequest, 3)} ms CPU/request x ${fixed(best.rps, 0)} req/s = ` +
            `${fixed((best.cpuMsPerRequest * best.rps) / 1000, 2)} cores; the raw node:http reference, ` +
            `which parses nothing, reached ${fixed(ref.rps, 0)} req/s`,
        })
        goals.push({
          section: 'Ceiling',
          figure: 'client CPU per request at c=64 (1 thread)',
          measured: `${fixed(single.cpuMsPerRequest, 3)} ms`,
          goal: `<= ${GOAL_CPU_MS.toFixed(2)} ms`,
          met: single.cpuMsPerRequest <= GOAL_CPU_MS,
          reason:
            `the raw node:http reference, which reads the body without any SSE parsing or timing, ` +
            `spent ${fixed(ref.cpuMsPerRequest, 3)} ms; Run Bench reads 131 SSE events per request and ` +
            `writes each record to disk (${fixed(single.recordPathMsPerRequest, 3)} ms of it)`,
        })
      }
    }
  } finally {
    await server.stop()
  }
  notes.push(
    `best of ${rounds} interleaved round(s) of ${durationSec} s each; req/s = successful requests / ` +
      '(last end - first send); CPU = process.cpuUsage (user+sys, all threads) / requests',
  )
  return { title: '1. Ceiling: 128-token streams written at once, closed loop', rows, goals, notes }
}
