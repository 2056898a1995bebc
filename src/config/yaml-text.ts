// YAML text → plain JS value, with syntax errors turned into "file:line:col: message" problems.

import { type DocumentOptions, LineCounter, type ParseOptions, parseDocument, type SchemaOptions } from 'yaml'
import type { Problem } from './problems.js'

export type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions

export type YamlResult = { ok: true; value: unknown } | { ok: false; problem: Problem }

/** Extra advice for parser errors people actually hit in LLM configs. */
function fixFor(code: string): string | undefined {
  if (code === 'BAD_ALIAS') return 'a bare `*` starts a YAML alias: quote it, e.g. model_name: "*"'
  if (code === 'DUPLICATE_KEY') return 'remove or rename one of the two keys'
  if (code === 'TAB_AS_INDENT') return 'indent with spaces, not tabs'
  return undefined
}

/**
 * Parses one YAML document. Only the first error is reported: later ones are usually
 * knock-on effects of it. The parser's own "at line L, column C" suffix and source excerpt
 * are dropped in favour of a file:line:col prefix that editors can jump to.
 */
export function parseYamlText(text: string, displayName: string, options: YamlOptions = {}): YamlResult {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { ...options, lineCounter, prettyErrors: false })
  const error = doc.errors[0]
  if (error !== undefined) {
    const position = lineCounter.linePos(error.pos[0])
    const message = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? error.message
    const fix = fixFor(error.code)
    const problem: Problem = {
      subject: `${displayName}:${position.line}:${position.col}:`,
      message: `YAML syntax error: ${message}`,
    }
    if (fix !== undefined) problem.fix = fix
    return { ok: false, problem }
  }
  return { ok: true, value: doc.toJS({ maxAliasCount: 1000 }) as unknown }
}
