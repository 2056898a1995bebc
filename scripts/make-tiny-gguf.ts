// Writes a tiny random-weight LLaMA-architecture GGUF model (under 1 MB) so the end-to-end tests can
// run the real llama-server without downloading any weights. The file layout follows the GGUF v3 spec
// (ggml/docs/gguf.md): header, metadata key/values, tensor infos, then 32-byte-aligned tensor data.
// Tensor names and shapes are the ones llama.cpp's LLaMA loader asks for. Same seed, same bytes.
//
// Usage: node --import tsx scripts/make-tiny-gguf.ts <out.gguf> [--seed N]
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

export interface TinyModelShape {
  contextLength: number
  embeddingLength: number
  blockCount: number
  feedForwardLength: number
  headCount: number
}

export const TINY_MODEL_SHAPE: TinyModelShape = {
  contextLength: 2048,
  embeddingLength: 64,
  blockCount: 2,
  feedForwardLength: 256,
  headCount: 4,
}

const ALIGNMENT_BYTES = 32
const GGUF_VERSION = 3
const GGML_TYPE_F32 = 0

// GGUF metadata value types (gguf.md, gguf_metadata_value_type).
const T_UINT32 = 4
const T_INT32 = 5
const T_FLOAT32 = 6
const T_BOOL = 7
const T_STRING = 8
const T_ARRAY = 9

// llama_token_type values as stored in tokenizer.ggml.token_type.
const TOKEN_NORMAL = 1
const TOKEN_UNKNOWN = 2
const TOKEN_CONTROL = 3
const TOKEN_BYTE = 6

const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"

// Word pieces give the SentencePiece merger something to merge. Every prefix of each word is in the
// vocab too, because SPM only merges adjacent pieces whose concatenation is itself a token.
const WORDS = [
  'the',
  'and',
  'that',
  'have',
  'for',
  'not',
  'with',
  'you',
  'this',
  'but',
  'his',
  'from',
  'they',
  'say',
  'her',
  'she',
  'will',
  'one',
  'all',
  'would',
  'there',
  'their',
  'what',
  'out',
  'about',
  'who',
  'get',
  'which',
  'when',
  'make',
  'can',
  'like',
  'time',
  'just',
  'him',
  'know',
  'take',
  'people',
  'into',
  'year',
  'your',
  'good',
  'some',
  'could',
  'them',
  'see',
  'other',
  'than',
  'then',
  'now',
  'look',
  'only',
  'come',
  'its',
  'over',
  'think',
  'also',
  'back',
  'after',
  'use',
  'two',
  'how',
  'our',
  'work',
  'first',
  'well',
  'way',
  'even',
  'new',
  'want',
  'because',
  'any',
  'these',
  'give',
  'day',
  'most',
  'hello',
  'world',
  'bench',
  'server',
  'token',
  'model',
  'request',
  'stream',
  'latency',
  'answer',
  'question',
  'write',
]

interface Vocab {
  tokens: string[]
  scores: number[]
  types: number[]
}

function buildVocab(): Vocab {
  const vocab: Vocab = { tokens: [], scores: [], types: [] }
  const seen = new Set<string>()
  const add = (token: string, score: number, type: number): void => {
    if (seen.has(token)) return
    seen.add(token)
    vocab.tokens.push(token)
    vocab.scores.push(score)
    vocab.types.push(type)
  }
  add('<unk>', 0, TOKEN_UNKNOWN)
  add('<s>', 0, TOKEN_CONTROL)
  add('</s>', 0, TOKEN_CONTROL)
  add('<|im_start|>', 0, TOKEN_CONTROL)
  add('<|im_end|>', 0, TOKEN_CONTROL)
  for (let byte = 0; byte < 256; byte++) {
    add(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, 0, TOKEN_BYTE)
  }
  // Single characters first, then longer pieces; a higher score merges first in SPM.
  let rank = 0
  add('\u2581', -rank++, TOKEN_NORMAL)
  for (let code = 33; code < 127; code++) add(String.fromCharCode(code), -rank++, TOKEN_NORMAL)
  for (const word of WORDS) {
    for (let end = 1; end <= word.length; end++) add(`\u2581${word.slice(0, end)}`, -rank++, TOKEN_NORMAL)
  }
  return vocab
}

type MetadataValue =
  | { type: 'u32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: string[] }
  | { type: 'f32[]'; value: number[] }
  | { type: 'i32[]'; value: number[] }

// Accumulates little-endian bytes; GGUF is little-endian throughout.
class ByteWriter {
  private readonly chunks: Buffer[] = []
  length = 0

  push(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.length += chunk.length
  }
  u32(value: number): void {
    const b = Buffer.alloc(4)
    b.writeUInt32LE(value)
    this.push(b)
  }
  i32(value: number): void {
    const b = Buffer.alloc(4)
    b.writeInt32LE(value)
    this.push(b)
  }
  u64(value: number): void {
    const b = Buffer.alloc(8)
    b.writeBigUInt64LE(BigInt(value))
    this.push(b)
  }
  f32(value: number): void {
    const b = Buffer.alloc(4)
    b.writeFloatLE(value)
    this.push(b)
  }
  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8')
    this.u64(bytes.length)
    this.push(bytes)
  }
  padTo(alignmentBytes: number): void {
    const pad = (alignmentBytes - (this.length % alignmentBytes)) % alignmentBytes
    if (pad > 0) this.push(Buffer.alloc(pad))
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length)
  }
}

function writeMetadataValue(w: ByteWriter, entry: MetadataValue): void {
  switch (entry.type) {
    case 'u32':
      w.u32(T_UINT32)
      w.u32(entry.value)
      return
    case 'f32':
      w.u32(T_FLOAT32)
      w.f32(entry.value)
      return
    case 'bool':
      w.u32(T_BOOL)
      w.push(Buffer.from([entry.value ? 1 : 0]))
      return
    case 'string':
      w.u32(T_STRING)
      w.string(entry.value)
      return
    case 'string[]':
      w.u32(T_ARRAY)
      w.u32(T_STRING)
      w.u64(entry.value.length)
      for (const s of entry.value) w.string(s)
      return
    case 'f32[]':
      w.u32(T_ARRAY)
      w.u32(T_FLOAT32)
      w.u64(entry.value.length)
      for (const v of entry.value) w.f32(v)
      return
    case 'i32[]':
      w.u32(T_ARRAY)
      w.u32(T_INT32)
      w.u64(entry.value.length)
      for (const v of entry.value) w.i32(v)
      return
  }
}

// mulberry32: a tiny 32-bit PRNG, enough for reproducible weights.
function createRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface TensorSpec {
  name: string
  // ggml order: dims[0] is the contiguous (row) dimension.
  dims: number[]
  // Half-width of the uniform distribution; 0 means all ones (RMS norm weights).
  scale: number
}

function tensorSpecs(shape: TinyModelShape, vocabSize: number): TensorSpec[] {
  const { embeddingLength: d, feedForwardLength: ff } = shape
  // The output scale makes logits spread enough (std ~2) that sampling varies between tokens.
  const specs: TensorSpec[] = [{ name: 'token_embd.weight', dims: [d, vocabSize], scale: 1 }]
  for (let i = 0; i < shape.blockCount; i++) {
    specs.push(
      { name: `blk.${i}.attn_norm.weight`, dims: [d], scale: 0 },
      { name: `blk.${i}.attn_q.weight`, dims: [d, d], scale: 0.1 },
      { name: `blk.${i}.attn_k.weight`, dims: [d, d], scale: 0.1 },
      { name: `blk.${i}.attn_v.weight`, dims: [d, d], scale: 0.1 },
      { name: `blk.${i}.attn_output.weight`, dims: [d, d], scale: 0.1 },
      { name: `blk.${i}.ffn_norm.weight`, dims: [d], scale: 0 },
      { name: `blk.${i}.ffn_gate.weight`, dims: [d, ff], scale: 0.1 },
      { name: `blk.${i}.ffn_up.weight`, dims: [d, ff], scale: 0.1 },
      { name: `blk.${i}.ffn_down.weight`, dims: [ff, d], scale: 0.1 },
    )
  }
  specs.push(
    { name: 'output_norm.weight', dims: [d], scale: 0 },
    { name: 'output.weight', dims: [d, vocabSize], scale: 0.5 },
  )
  return specs
}

// Random weights would sample byte tokens, whose random bytes form invalid UTF-8 that llama-server's
// chat output parser rejects (HTTP 500 "does not match the expected peg-native format"), and control
// tokens, which render as empty text. So hidden channel 0 carries a constant: every embedding has
// BIAS_CHANNEL_VALUE there and no block writes to it, so after the final RMS norm it is a large
// positive number for every position, and a negative output weight on it pins the logit of each
// non-normal token near -80. Only normal (text) tokens are ever sampled, each one non-empty text;
// EOS too is never sampled, so every completion runs to max_tokens unless a request forces EOS with
// logit_bias (e.g. {"2": 100}).
const BIAS_CHANNEL_VALUE = 8
const SUPPRESSED_OUTPUT_WEIGHT = -12

function pinBiasChannel(tensor: TensorSpec, values: Float32Array, tokenTypes: number[]): void {
  const rowLength = tensor.dims[0] ?? 0
  if (tensor.name === 'token_embd.weight') {
    for (let row = 0; row * rowLength < values.length; row++) values[row * rowLength] = BIAS_CHANNEL_VALUE
  } else if (tensor.name.endsWith('.attn_output.weight') || tensor.name.endsWith('.ffn_down.weight')) {
    // Row 0 of these projections is what the block adds to channel 0 of the residual stream.
    values.fill(0, 0, rowLength)
  } else if (tensor.name === 'output.weight') {
    tokenTypes.forEach((type, token) => {
      values[token * rowLength] = type === TOKEN_NORMAL ? 0 : SUPPRESSED_OUTPUT_WEIGHT
    })
  }
}

/** The GGUF file's bytes; identical for identical seeds. */
export function buildTinyGguf(seed = 1, shape: TinyModelShape = TINY_MODEL_SHAPE): Buffer {
  const vocab = buildVocab()
  const headDim = shape.embeddingLength / shape.headCount
  const metadata: [string, MetadataValue][] = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: 'run-bench-tiny-llama' }],
    ['general.alignment', { type: 'u32', value: ALIGNMENT_BYTES }],
    ['general.file_type', { type: 'u32', value: 0 }],
    ['llama.vocab_size', { type: 'u32', value: vocab.tokens.length }],
    ['llama.context_length', { type: 'u32', value: shape.contextLength }],
    ['llama.embedding_length', { type: 'u32', value: shape.embeddingLength }],
    ['llama.block_count', { type: 'u32', value: shape.blockCount }],
    ['llama.feed_forward_length', { type: 'u32', value: shape.feedForwardLength }],
    ['llama.attention.head_count', { type: 'u32', value: shape.headCount }],
    ['llama.attention.head_count_kv', { type: 'u32', value: shape.headCount }],
    ['llama.rope.dimension_count', { type: 'u32', value: headDim }],
    ['llama.rope.freq_base', { type: 'f32', value: 10000 }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ['tokenizer.chat_template', { type: 'string', value: CHATML_TEMPLATE }],
  ]
  const tensors = tensorSpecs(shape, vocab.tokens.length)

  const w = new ByteWriter()
  w.push(Buffer.from('GGUF', 'ascii'))
  w.u32(GGUF_VERSION)
  w.u64(tensors.length)
  w.u64(metadata.length)
  for (const [key, value] of metadata) {
    w.string(key)
    writeMetadataValue(w, value)
  }

  const data = new ByteWriter()
  const random = createRandom(seed)
  for (const tensor of tensors) {
    data.padTo(ALIGNMENT_BYTES)
    w.string(tensor.name)
    w.u32(tensor.dims.length)
    for (const dim of tensor.dims) w.u64(dim)
    w.u32(GGML_TYPE_F32)
    w.u64(data.length)
    const count = tensor.dims.reduce((a, b) => a * b, 1)
    const values = new Float32Array(count)
    for (let i = 0; i < count; i++) values[i] = tensor.scale === 0 ? 1 : (random() * 2 - 1) * tensor.scale
    pinBiasChannel(tensor, values, vocab.types)
    const bytes = Buffer.alloc(count * 4)
    for (let i = 0; i < count; i++) bytes.writeFloatLE(values[i] ?? 0, i * 4)
    data.push(bytes)
  }
  w.padTo(ALIGNMENT_BYTES)
  w.push(data.toBuffer())
  return w.toBuffer()
}

function parseArgs(argv: string[]): { outPath: string; seed: number } {
  const positional: string[] = []
  let seed = 1
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--seed') {
      seed = Number(argv[++i])
      if (!Number.isInteger(seed)) throw new Error(`--seed needs an integer, got ${argv[i]}`)
    } else if (arg !== undefined) {
      positional.push(arg)
    }
  }
  const outPath = positional[0]
  if (outPath === undefined || positional.length > 1) {
    throw new Error('Usage: node --import tsx scripts/make-tiny-gguf.ts <out.gguf> [--seed N]')
  }
  return { outPath, seed }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { outPath, seed } = parseArgs(process.argv.slice(2))
  const bytes = buildTinyGguf(seed)
  writeFileSync(outPath, bytes)
  process.stdout.write(`${resolve(outPath)} (${bytes.length} bytes, seed ${seed})\n`)
}
