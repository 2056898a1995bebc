// JUnit XML for CI systems (GitHub Actions test reporters, GitLab's junit artifact, Jenkins):
// one testcase per SLO threshold and per baseline metric, a failure (with the measured value,
// the limit and the margin) for each that failed, so the pipeline's test tab shows which
// contract broke. Built with junit-report-builder rather than by string concatenation, so
// escaping is the library's job.
import junitReport, { type Builder } from 'junit-report-builder'
import type { RegressionVerdict } from '../stats/regression.js'
import type { SloVerdict } from '../stats/slo.js'
import { formatActual, formatLimit } from './verdict-text.js'

export interface JunitInput {
  runId: string
  verdicts: readonly SloVerdict[]
  regressions?: readonly RegressionVerdict[]
}

export function renderJunit(input: JunitInput): string {
  // The package is CommonJS whose module.exports is the builder itself; its typings describe
  // an ES default export, so under nodenext TypeScript types the import one level too deep.
  const builder = (junitReport as unknown as Builder).newBuilder()
  const slos = builder.testSuite().name(`run-bench SLOs (${input.runId})`)
  for (const verdict of input.verdicts) {
    const testCase = slos.testCase().className('run-bench.slo').name(verdict.text)
    if (verdict.status === 'fail') {
      testCase.failure(
        `${verdict.metric} = ${formatActual(verdict)}, limit ${verdict.op} ${formatLimit(verdict)} (margin ${((verdict.margin ?? 0) * 100).toFixed(1)}%)`,
        'slo_failed',
      )
    } else if (verdict.status === 'cannot_evaluate') {
      testCase.failure(
        `${verdict.metric} cannot be evaluated: ${verdict.reason ?? 'no data'}`,
        'slo_cannot_evaluate',
      )
    }
  }
  if (input.regressions !== undefined) {
    const baseline = builder.testSuite().name(`run-bench baseline (${input.runId})`)
    for (const verdict of input.regressions) {
      const testCase = baseline.testCase().className('run-bench.baseline').name(verdict.label)
      if (verdict.regressed) {
        testCase.failure(
          `${verdict.label} worse by ${((verdict.worsening ?? 0) * 100).toFixed(1)}% (baseline ${verdict.baseline?.toFixed(2)}, now ${verdict.actual?.toFixed(2)}; tolerance ${(verdict.tolerance * 100).toFixed(0)}%)`,
          'regression',
        )
      }
    }
  }
  return builder.build()
}
