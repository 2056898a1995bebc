import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { ConfigError } from '../../src/errors.js'
import { defaultPromptsDir, loadPrompts } from '../../src/workload/prompts.js'

const dir = mkdtempSync(join(tmpdir(), 'run-bench-prompts-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

function configError(run: () => unknown): ConfigError {
  try {
    run()
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`)
    return error
  }
  assert.fail('expected a ConfigError')
}

const words = (text: string) => text.split(/\s+/).filter((word) => word !== '').length

describe('shipped prompt sets', () => {
  test('prompts/ sits in the package root', () => {
    assert.equal(defaultPromptsDir(), join(import.meta.dirname, '..', '..', 'prompts'))
  })

  test('short: at least 20 one-sentence prompts, code and general', () => {
    const prompts = loadPrompts({ promptType: 'short' }, defaultPromptsDir())
    assert.ok(prompts.length >= 20, `${prompts.length} short prompts`)
    assert.ok(prompts.every((prompt) => words(prompt.text) <= 25))
    assert.deepEqual([...new Set(prompts.map((prompt) => prompt.category))].sort(), ['code', 'general'])
  })

  test('medium: at least 20 paragraph-long requests for code or explanations', () => {
    const prompts = loadPrompts({ promptType: 'medium' }, defaultPromptsDir())
    assert.ok(prompts.length >= 20, `${prompts.length} medium prompts`)
    assert.ok(prompts.every((prompt) => words(prompt.text) >= 25 && words(prompt.text) <= 120))
    assert.ok(prompts.some((prompt) => prompt.text.startsWith('Write a Python function to')))
    assert.deepEqual([...new Set(prompts.map((prompt) => prompt.category))].sort(), ['code', 'general'])
  })

  test('long: at least 8 prompts of 400 to 1500 words', () => {
    const prompts = loadPrompts({ promptType: 'long' }, defaultPromptsDir())
    assert.ok(prompts.length >= 8, `${prompts.length} long prompts`)
    for (const prompt of prompts) {
      const count = words(prompt.text)
      assert.ok(count >= 400 && count <= 1500, `a long prompt has ${count} words`)
    }
  })
})

describe('prompt files', () => {
  test('reads "prompt" or "text", skips blank lines, defaults the category to general', () => {
    const path = file('mine.jsonl', '{"prompt": "one", "category": "code"}\n\n{"text": "two"}\r\n   \n')
    assert.deepEqual(loadPrompts({ promptType: 'short', promptFile: path }, defaultPromptsDir()), [
      { text: 'one', category: 'code' },
      { text: 'two', category: 'general' },
    ])
  })

  test('a prompt file overrides the prompt type', () => {
    const path = file('one.jsonl', '{"prompt": "only"}\n')
    assert.deepEqual(loadPrompts({ promptType: 'long', promptFile: path }, '/nowhere'), [
      { text: 'only', category: 'general' },
    ])
  })

  test('every malformed line is listed with path:line', () => {
    const path = file(
      'bad.jsonl',
      '{"prompt": "fine"}\n{"prompt": \n["a"]\n{"messages": []}\n{"prompt": "x", "category": 3}\n',
    )
    const error = configError(() => loadPrompts({ promptType: 'short', promptFile: path }, dir))
    const lines = error.message.replaceAll(`${dir}/`, '').split('\n')
    assert.equal(lines[0], '4 problems in bad.jsonl:')
    assert.match(lines[1] ?? '', /^ {2}bad\.jsonl:2: is not valid JSON \(/)
    assert.equal(lines[2], '  bad.jsonl:3: must be a JSON object (got ["a"])')
    assert.equal(lines[3], '  bad.jsonl:4: needs a non-empty "prompt" string (got {"messages":[]})')
    assert.equal(lines[4], '  bad.jsonl:5: "category" must be a string (got 3)')
    assert.match(error.hint ?? '', /Each line must be one JSON object, e\.g\. \{"prompt": /)
  })

  test('a missing file says which one and how to fix it', () => {
    const missing = join(dir, 'missing.jsonl')
    const error = configError(() => loadPrompts({ promptType: 'short', promptFile: missing }, dir))
    assert.equal(error.message, `Prompt file not found: ${missing}`)
    assert.match(error.hint ?? '', /--prompt-file or prompt_file in workloads\.yaml/)
    const builtIn = configError(() => loadPrompts({ promptType: 'medium' }, dir))
    assert.equal(builtIn.message, `Prompt file not found: ${join(dir, 'medium.jsonl')}`)
  })

  test('an empty file is an error', () => {
    const path = file('empty.jsonl', '\n\n')
    assert.equal(
      configError(() => loadPrompts({ promptType: 'short', promptFile: path }, dir)).message,
      `${path}: no prompts (the file is empty)`,
    )
  })
})
