import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { parse } from 'yaml'

const ROOT = join(import.meta.dirname, '..', '..')

test('the GitHub Actions example passes GitHub’s own workflow parser with zero errors', async () => {
  const content = readFileSync(join(ROOT, 'examples/github-actions/benchmark.yml'), 'utf8')
  const parsed = parseWorkflow({ name: 'benchmark.yml', content }, new NoOperationTraceWriter())
  assert.deepEqual(
    parsed.context.errors.getErrors().map((error) => error.message),
    [],
  )
  assert.ok(parsed.value)
  const workflow = await convertWorkflowTemplate(parsed.context, parsed.value)
  assert.deepEqual(workflow.errors ?? [], [])
  assert.deepEqual(
    workflow.jobs.map((job) => job.id.value),
    ['benchmark'],
  )
  // The parser does catch mistakes: a misspelt key and a bad expression in the same file.
  const broken = content
    .replace('timeout-minutes: 30', 'timeout-minute: 30')
    .replace('GH_TOKEN: $' + '{{ github.token }}', 'GH_TOKEN: $' + '{{ github.token ')
  const brokenErrors = parseWorkflow({ name: 'broken.yml', content: broken }, new NoOperationTraceWriter())
    .context.errors
  assert.ok(brokenErrors.count >= 1, 'a broken workflow must report errors')
})

test('the workflow gates on SLOs and a baseline, uploads results and writes the step summary', () => {
  const text = readFileSync(join(ROOT, 'examples/github-actions/benchmark.yml'), 'utf8')
  const steps = parse(text).jobs.benchmark.steps as { name?: string; run?: string; uses?: string }[]
  const runs = steps.map((step) => step.run ?? '').join('\n')
  assert.match(
    runs,
    /run-bench run --output-dir results \$SLO_FLAGS \$BASELINE_FLAG --junit results\/junit\.xml/,
  )
  assert.match(
    runs,
    /run-bench check results\/raw \$SLO_FLAGS \$BASELINE_FLAG --format markdown >> "\$GITHUB_STEP_SUMMARY"/,
  )
  assert.equal(steps.filter((step) => step.uses === 'actions/upload-artifact@v4').length, 2)
  assert.match(runs, /4\) echo "::error::An SLO failed/)
})

test('the GitLab CI example is valid YAML with a junit report and the same gate', () => {
  const config = parse(readFileSync(join(ROOT, 'examples/gitlab-ci/.gitlab-ci.yml'), 'utf8'))
  assert.equal(config.benchmark.artifacts.reports.junit, 'results/junit.xml')
  assert.equal(config.benchmark.artifacts.when, 'always')
  assert.ok((config.benchmark.script as string[]).includes('exit $code'))
})
