// Token counting for streams that carry no `usage`: the served model's own tokenizer.json
// when the user gives one, else OpenAI's o200k_base encoding (GPT-4o and later) as a
// stated approximation. Counting is synchronous. The default encoding's BPE table costs
// about 0.1 s of CPU to load and most servers send usage, so it is loaded on the first
// count (the warm-up request, before the measurement window, when the server sends no
// usage); a tokenizer.json the user names is loaded and checked before the run.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { ConfigError } from '../errors.js'

export type TokenCounterSpec = { kind: 'default' } | { kind: 'tokenizer-json'; path: string }

export async function createTokenCounter(spec: TokenCounterSpec): Promise<(text: string) => number> {
  if (spec.kind === 'default') return lazyDefaultCounter()
  return loadTokenizerJson(spec.path)
}

type CountO200k = typeof import('gpt-tokenizer/encoding/o200k_base').countTokens

/**
 * A counter that loads o200k_base on its first non-empty text. The load is synchronous
 * (the package's CommonJS build through require), as counting is; a failed load throws
 * from the count, which the caller already treats as "no tokenizer count".
 */
export function lazyDefaultCounter(): (text: string) => number {
  let count: CountO200k | null = null
  // Generated text may contain strings such as "<|endoftext|>": count them as text
  // instead of throwing, as the model's output is what it is.
  const asText = { disallowedSpecial: new Set<string>() }
  return (text) => {
    if (text === '') return 0
    count ??= (requireHere('gpt-tokenizer/encoding/o200k_base') as { countTokens: CountO200k }).countTokens
    return count(text, asText)
  }
}

const requireHere = createRequire(import.meta.url)

async function loadTokenizerJson(path: string): Promise<(text: string) => number> {
  let source: string
  try {
    source = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    throw new ConfigError(
      `Cannot read tokenizer file ${path}${typeof code === 'string' ? ` (${code})` : ''}`,
      {
        hint: 'pass the path of a HuggingFace tokenizer.json, e.g. --tokenizer ./models/qwen/tokenizer.json',
        cause: error,
      },
    )
  }
  let tokenizerJson: unknown
  try {
    tokenizerJson = JSON.parse(source)
  } catch (error) {
    throw new ConfigError(`Tokenizer file ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    })
  }
  // tokenizer_config.json next to it adds metadata (special tokens); optional.
  const config = await readOptionalJson(join(dirname(path), 'tokenizer_config.json'))
  const { Tokenizer } = await import('@huggingface/tokenizers')
  let tokenizer: InstanceType<typeof Tokenizer>
  try {
    if (typeof tokenizerJson !== 'object' || tokenizerJson === null) throw new Error('not a JSON object')
    tokenizer = new Tokenizer(tokenizerJson, config)
    tokenizer.encode('check', { add_special_tokens: false })
  } catch (error) {
    throw new ConfigError(
      `Tokenizer file ${path} is not a usable HuggingFace tokenizer.json: ${(error as Error).message}`,
      {
        hint: 'use the tokenizer.json published with the model (HuggingFace format)',
        cause: error,
      },
    )
  }
  // Output text only: no BOS/EOS or template tokens are added around it.
  return (text) => (text === '' ? 0 : tokenizer.encode(text, { add_special_tokens: false }).ids.length)
}

async function readOptionalJson(path: string): Promise<object> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'))
    return typeof parsed === 'object' && parsed !== null ? parsed : {}
  } catch {
    // Absent or unreadable: the tokenizer works without it.
    return {}
  }
}
