import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '../../src/errors.js'
import { createTokenCounter } from '../../src/workload/tokenizer.js'

const TOKENIZER_JSON = fileURLToPath(new URL('../fixtures/tokenizer/tokenizer.json', import.meta.url))

describe('createTokenCounter', () => {
  test('default: o200k_base counts (GPT-4o encoding)', async () => {
    const count = await createTokenCounter({ kind: 'default' })
    assert.equal(count(''), 0)
    assert.equal(count('Hello, world!'), 4)
    // Special-token text in an answer is counted as text, never a throw.
    assert.equal(count('<|endoftext|>'), 7)
  })

  test('tokenizer.json: a WordPiece vocabulary, no special tokens added', async () => {
    const count = await createTokenCounter({ kind: 'tokenizer-json', path: TOKENIZER_JSON })
    assert.equal(count('hello worlds!'), 4) // hello, world, ##s, !
    assert.equal(count('hello zzz'), 2) // hello, [UNK]
    assert.equal(count(''), 0)
  })

  test('a missing file is a ConfigError naming the path', async () => {
    const path = join(tmpdir(), 'run-bench-no-such-dir', 'tokenizer.json')
    await assert.rejects(createTokenCounter({ kind: 'tokenizer-json', path }), (error: unknown) => {
      assert.ok(error instanceof ConfigError)
      assert.equal(error.message, `Cannot read tokenizer file ${path} (ENOENT)`)
      return true
    })
  })

  test('invalid JSON and a JSON file that is no tokenizer are ConfigErrors naming the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-bench-tokenizer-'))
    try {
      const broken = join(dir, 'broken.json')
      writeFileSync(broken, '{"model": ')
      await assert.rejects(createTokenCounter({ kind: 'tokenizer-json', path: broken }), (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.ok(error.message.startsWith(`Tokenizer file ${broken} is not valid JSON`), error.message)
        return true
      })
      const other = join(dir, 'other.json')
      writeFileSync(other, '{"name": "not a tokenizer"}')
      await assert.rejects(createTokenCounter({ kind: 'tokenizer-json', path: other }), (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.ok(
          error.message.startsWith(`Tokenizer file ${other} is not a usable HuggingFace tokenizer.json`),
          error.message,
        )
        return true
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
