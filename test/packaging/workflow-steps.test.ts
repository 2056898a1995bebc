// Issue 15: the `run:` steps of examples/github-actions/benchmark.yml, run as the Actions
// runner runs them (bash --noprofile --norc -eo pipefail, step outputs through $GITHUB_OUTPUT,
// ${{ steps.bench.outputs.* }} substituted), with GITHUB_* files pointed at temporary files,
// against the built-in simulator. The install step is replaced by the local CLI on PATH.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { createTempProject, type TempProject } from '../support/temp-project.js'

const ROOT = join(import.meta.dirname, '..', '..')

interface Step {
  name?: string
  id?: string
  if?: string
  run?: string
  uses?: string
}

const workflow = parse(readFileSync(join(ROOT, 'examples/github-actions/benchmark.yml'), 'utf8'))
const steps = workflow.jobs.benchmark.steps as Step[]

function step(name: string): Step {
  const found = steps.find((candidate) => candidate.name === name)
  assert.ok(found?.run, `the workflow has a run: step named "${name}"`)
  return found
}

// The team's configs/ in the checkout: a fast simulator as "the team's server".
const TARGETS = `targets:
  - name: team-server
    kind: sim
    sim: { max_batch_size: 16, prefill_base_ms: 2, prefill_per_token_ms: 0, decode_base_ms: 3, decode_per_seq_ms: 0 }
`
const WORKLOADS = `workloads:
  - name: ci-smoke
    duration: 1
    rps: 10
    concurrency: 8
    max_tokens: 8
    prompt_type: short
    ignore_eos: true
`

interface Job {
  project: TempProject
  summary: string
  output: string
  /** Runs one step; returns its exit status and output. */
  run(name: string): { status: number; out: string }
}

/** A job workspace: the checkout (configs/), GITHUB_* files, and `run-bench` on PATH. */
function createJob(slos: string): Job {
  const project = createTempProject({ targets: TARGETS, workloads: WORKLOADS })
  const bin = join(project.dir, '.bin')
  mkdirSync(bin)
  const tsx = fileURLToPath(import.meta.resolve('tsx'))
  writeFileSync(
    join(bin, 'run-bench'),
    `#!/bin/sh\nexec "${process.execPath}" --import "${tsx}" "${join(ROOT, 'src/cli/bin.ts')}" "$@"\n`,
  )
  chmodSync(join(bin, 'run-bench'), 0o755)
  const summary = join(project.dir, 'step-summary.md')
  const output = join(project.dir, 'github-output')
  const githubEnv = join(project.dir, 'github-env')
  for (const file of [summary, output, githubEnv]) writeFileSync(file, '')
  const env = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: project.dir,
    LANG: 'en_US.UTF-8',
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    GITHUB_ENV: githubEnv,
    // The job's env: (workflow and job level), as the runner would set it.
    BENCH_TARGET: 'team-server',
    BENCH_MODEL: 'sim-llama-8b',
    BENCH_WORKLOAD: 'ci-smoke',
    SLO_FLAGS: slos,
  }
  return {
    project,
    summary,
    output,
    run(name) {
      const outputs = Object.fromEntries(
        readFileSync(output, 'utf8')
          .split('\n')
          .filter((line) => line.includes('='))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      )
      const script = (step(name).run as string).replace(
        /\$\{\{\s*steps\.bench\.outputs\.(\w+)\s*\}\}/g,
        (_, key: string) => outputs[key] ?? '',
      )
      assert.doesNotMatch(script, /\$\{\{/, `step "${name}" uses an expression this test does not provide`)
      const scriptFile = join(project.dir, '.step.sh')
      writeFileSync(scriptFile, script)
      const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
        cwd: project.dir,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      })
      return { status: result.status ?? -1, out: `${result.stdout}${result.stderr}` }
    },
  }
}

describe('the GitHub Actions workflow, step by step against the simulator', () => {
  test('passing SLOs: exit_code=0, the step summary holds the SLO table, the fail step is skipped', (t) => {
    const job = createJob('--slo ttft_p99<=2s --slo success_rate>=99%')
    t.after(job.project.remove)
    const bench = job.run('Run the benchmark')
    assert.equal(bench.status, 0, bench.out)
    assert.match(readFileSync(job.output, 'utf8'), /^exit_code=0$/m)
    assert.ok(existsSync(join(job.project.dir, 'results', 'junit.xml')))
    const summary = job.run('Write the step summary')
    assert.equal(summary.status, 0, summary.out)
    const text = readFileSync(job.summary, 'utf8')
    console.log(`Step summary (passing run):\n${text}`)
    assert.match(text, /^## Run Bench: bench_team-server_sim-llama-8b_ci-smoke_\d{8}_\d{6}$/m)
    assert.match(text, /\| SLO \| actual \| limit \| margin \| result \|/)
    assert.match(text, /\| `ttft_p99<=2s` \| \d+\.\d ms \| <= 2000 ms \| \d+\.\d% \| pass \|/)
    assert.match(text, /\| `success_rate>=99%` \| 100\.00% \| >= 99\.00% \| 100\.0% \| pass \|/)
    assert.match(text, /\*\*Result: exit 0: every gate passed\.\*\*/)
    // `if: steps.bench.outputs.exit_code != '0'` is false: the runner skips the fail step.
    assert.equal(step('Fail on SLO or regression failure').if, "steps.bench.outputs.exit_code != '0'")
  })

  test('a forced SLO failure: exit_code=4, FAIL in the summary, and the fail step fails the job', (t) => {
    const job = createJob('--slo ttft_p99<=1ms')
    t.after(job.project.remove)
    assert.equal(job.run('Run the benchmark').status, 0, 'the run step records the code and carries on')
    assert.match(readFileSync(job.output, 'utf8'), /^exit_code=4$/m)
    assert.equal(job.run('Write the step summary').status, 0)
    const text = readFileSync(job.summary, 'utf8')
    console.log(`Step summary (forced SLO failure):\n${text}`)
    assert.match(text, /\| `ttft_p99<=1ms` \| \d+\.\d ms \| <= 1\.0 ms \| -\d+\.\d% \| FAIL \|/)
    assert.match(text, /\*\*Result: exit 4: an SLO failed\.\*\*/)
    const junit = readFileSync(join(job.project.dir, 'results', 'junit.xml'), 'utf8')
    assert.match(junit, /type="slo_failed"/)
    const fail = job.run('Fail on SLO or regression failure')
    assert.equal(fail.status, 1)
    assert.match(fail.out, /::error::An SLO failed \(see the step summary and junit\.xml\)/)
  })
})
