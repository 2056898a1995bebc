// Prompt sets: the shipped prompts/<type>.jsonl or a user's JSONL file, one
// {"prompt": "...", "category": "..."} object per line ({"text": "..."} is accepted too).

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { findPackageRoot } from '../config/package-root.js'
import { displayPath, formatProblems, type Problem } from '../config/problems.js'
import { ConfigError } from '../errors.js'
import type { Prompt, PromptType } from '../types.js'

const LINE_EXAMPLE = '{"prompt": "Explain what a mutex is", "category": "general"}'
/** Beyond this many bad lines the file is probably not JSONL at all; listing more helps nobody. */
const maxListedProblems = 10

/** The prompts/ folder shipped with the package (works from src/ under tsx and from dist/). */
export function defaultPromptsDir(): string {
  return join(findPackageRoot(), 'prompts')
}

function parseLine(line: string): { prompt: Prompt } | { problem: string; got?: unknown } {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (error) {
    return { problem: `is not valid JSON (${(error as Error).message})` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: 'must be a JSON object', got: value }
  }
  const record = value as Record<string, unknown>
  const text = record.prompt ?? record.text
  if (typeof text !== 'string' || text.trim() === '') {
    return { problem: 'needs a non-empty "prompt" string', got: value }
  }
  const category = record.category
  if (category !== undefined && typeof category !== 'string') {
    return { problem: '"category" must be a string', got: category }
  }
  return { prompt: { text, category: category ?? 'general' } }
}

/**
 * Reads the prompts of a workload: `promptFile` when set (absolute, or relative to the
 * working directory), else `<promptsDir>/<promptType>.jsonl`. Blank lines are skipped.
 * A missing or empty file, or any malformed line, is a ConfigError naming path:line.
 */
export function loadPrompts(
  source: { promptType: PromptType; promptFile?: string },
  promptsDir: string,
): Prompt[] {
  const path = source.promptFile ?? join(promptsDir, `${source.promptType}.jsonl`)
  const display = displayPath(path)
  if (!existsSync(path)) {
    throw new ConfigError(`Prompt file not found: ${display}`, {
      hint:
        source.promptFile === undefined
          ? `The package's prompts/ folder is incomplete; reinstall run-bench or pass --prompt-file <file.jsonl>`
          : 'Check --prompt-file or prompt_file in workloads.yaml (relative paths there start at its folder)',
    })
  }
  const lines = readFileSync(path, 'utf8')
    .replace(/^\uFEFF/, '')
    .split('\n')
  const prompts: Prompt[] = []
  const problems: Problem[] = []
  lines.forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '')
    if (line.trim() === '') return
    const parsed = parseLine(line)
    if ('prompt' in parsed) {
      prompts.push(parsed.prompt)
      return
    }
    const problem: Problem = { subject: `${display}:${index + 1}:`, message: parsed.problem }
    if ('got' in parsed) problem.got = parsed.got
    problems.push(problem)
  })
  if (problems.length > 0) {
    const more = problems.length - maxListedProblems
    const message = formatProblems(problems.slice(0, maxListedProblems), display)
    throw new ConfigError(
      more > 0
        ? `${message.replace(/^\d+ problems/, `${problems.length} problems`)}\n  … and ${more} more`
        : message,
      { hint: `Each line must be one JSON object, e.g. ${LINE_EXAMPLE}` },
    )
  }
  if (prompts.length === 0) {
    throw new ConfigError(`${display}: no prompts (the file is empty)`, {
      hint: `Write one JSON object per line, e.g. ${LINE_EXAMPLE}`,
    })
  }
  return prompts
}
