// OpenAI chat.completion.chunk payloads as vLLM / OpenAI stream them, shared by the bench
// servers. Token texts differ from chunk to chunk so the client does its real work.

const HEAD =
  '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[{"index":0,'

export function roleChunk(): string {
  return `data: ${HEAD}"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n`
}

/** Token i of a stream; the last one carries finish_reason. */
export function tokenChunk(i: number, last: boolean): string {
  const finish = last ? '"length"' : 'null'
  return `data: ${HEAD}"delta":{"content":" tok${i}"},"finish_reason":${finish}}]}\n\n`
}

export function usageChunk(promptTokens: number, completionTokens: number): string {
  return (
    'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[],' +
    `"usage":{"prompt_tokens":${promptTokens},"completion_tokens":${completionTokens},"total_tokens":${promptTokens + completionTokens}}}\n\n`
  )
}

export const DONE = 'data: [DONE]\n\n'

/** A whole stream of `tokens` tokens, usage and [DONE]: what the canned server writes at once. */
export function cannedStream(tokens: number): string {
  let body = roleChunk()
  for (let i = 0; i < tokens; i++) body += tokenChunk(i, i === tokens - 1)
  return body + usageChunk(8, tokens) + DONE
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
} as const

/** Reads `--name value` from argv. */
export function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name)
  return at === -1 ? undefined : process.argv[at + 1]
}

/** Milliseconds on CLOCK_MONOTONIC, the one clock every process on this machine shares. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}
