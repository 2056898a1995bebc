// A project whose target is one server every shard shares (the simulator behind a counting
// front), and a plan small enough for a test: 20 req/s, 80 requests (4 s), a cap of 80 that never binds.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ShardMeta } from '../../src/results/shard-meta.js'
import type { RequestRecord } from '../../src/types.js'
import { createTempProject, type TempProject } from './temp-project.js'

export const PLAN = { rps: 20, requests: 80, concurrency: 80, maxTokens: 8 }

export function createShardProject(baseUrl: string, plan = PLAN): TempProject {
  return createTempProject({
    targets: `targets:
  - name: front
    base_url: ${baseUrl}
    api_key: EMPTY
`,
    models: `models:
  - name: sim-llama-8b
`,
    workloads: `workloads:
  - name: sharded
    rps: ${plan.rps}
    requests: ${plan.requests}
    concurrency: ${plan.concurrency}
    max_tokens: ${plan.maxTokens}
    ignore_eos: true
    prompt_type: short
`,
  })
}

/** The run flags every shard gets (the submitter adds --shard, --run-id, --start-at, --output-dir). */
export function runFlags(project: TempProject): string[] {
  return [
    '--config-dir',
    project.configDir,
    '--target',
    'front',
    '--model',
    'sim-llama-8b',
    '--workload',
    'sharded',
    '--no-probe',
  ]
}

export interface ShardOnDisk {
  meta: ShardMeta
  records: RequestRecord[]
}

/** Every shard a results folder holds, by index. */
export function readShards(outputDir: string): ShardOnDisk[] {
  const dir = join(outputDir, 'shards')
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((name) => name.endsWith('.meta.json'))
    .sort()
    .map((name) => {
      const meta = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ShardMeta
      const raw = join(dir, name.replace(/\.meta\.json$/, '.jsonl'))
      const records = existsSync(raw)
        ? readFileSync(raw, 'utf8')
            .split('\n')
            .filter((line) => line !== '')
            .map((line) => JSON.parse(line) as RequestRecord)
        : []
      return { meta, records }
    })
}

/** Record times on the shared timeline: a shard's offsets count from its own clock start. */
export function onSharedTimeline(shard: ShardOnDisk): RequestRecord[] {
  const offsetMs = shard.meta.shard.startedAtEpochMs - (shard.meta.shard.startAtEpochMs ?? 0)
  return shard.records.map((r) => ({
    ...r,
    scheduled_at_ms: r.scheduled_at_ms === null ? null : r.scheduled_at_ms + offsetMs,
    sent_at_ms: r.sent_at_ms + offsetMs,
    ended_at_ms: r.ended_at_ms + offsetMs,
  }))
}

export function readJsonl(path: string): RequestRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RequestRecord)
}
