// The gate's Markdown summary (`check --format markdown`, $GITHUB_STEP_SUMMARY, GitLab job log):
// the SLO verdicts, the baseline verdicts and the exit code they lead to, in one block.
import type { RegressionReport } from '../stats/regression.js'
import type { SloReport } from '../stats/slo.js'
import { EXIT_REGRESSION, EXIT_SLO_FAILED, gateExitCode } from '../stats/verdict-codes.js'
import { renderSloMarkdown } from './verdict-text.js'

export interface GateInput {
  runLabel: string
  slo: SloReport | null
  regression: RegressionReport | null
  baselineLabel?: string
}

export function renderGateMarkdown(input: GateInput): string {
  const lines = [`## Run Bench: ${input.runLabel}`, '']
  if (input.slo !== null) lines.push('### SLOs', '', renderSloMarkdown(input.slo), '')
  if (input.regression !== null) {
    lines.push(
      `### Against the baseline${input.baselineLabel === undefined ? '' : ` (${input.baselineLabel})`}`,
      '',
    )
    if (input.regression.refused !== null) {
      lines.push(`${input.regression.refused}; not compared.`, '')
    } else {
      lines.push(
        '| metric | baseline | now | worse by | tolerance | result |',
        '|---|---:|---:|---:|---:|---|',
      )
      for (const verdict of input.regression.verdicts) {
        const worse = verdict.worsening === null ? '—' : `${(verdict.worsening * 100).toFixed(1)}%`
        lines.push(
          `| ${verdict.label} | ${verdict.baseline?.toFixed(2) ?? '—'} | ${verdict.actual?.toFixed(2) ?? '—'} | ${worse} | ${(verdict.tolerance * 100).toFixed(0)}% | ${verdict.regressed ? 'REGRESSION' : verdict.worsening === null ? 'not compared (too few samples)' : 'ok'} |`,
        )
      }
      lines.push('')
    }
  }
  const code = gateExitCode(input.slo?.passed ?? true, !(input.regression?.regressed ?? false))
  const outcome =
    code === EXIT_SLO_FAILED
      ? `exit ${code}: an SLO failed`
      : code === EXIT_REGRESSION
        ? `exit ${code}: regression against the baseline`
        : 'exit 0: every gate passed'
  lines.push(`**Result: ${outcome}.**`)
  return lines.join('\n')
}
