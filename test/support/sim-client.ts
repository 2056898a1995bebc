// A small undici client for the simulator tests: posts a body and records every SSE event
// with the moment it arrived, so tests can check both the wire bytes and the timing.
import { request } from 'undici'

export interface TimedEvent {
  data: string
  /** Arrival, ms after the request was sent. */
  atMs: number
}

export interface PostResult {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** The whole body as received. */
  text: string
  /** SSE `data:` payloads, in order. */
  events: TimedEvent[]
  /** Set when the body ended with an error (e.g. the server dropped the socket). */
  error: Error | null
}

export async function post(baseUrl: string, path: string, body: unknown): Promise<PostResult> {
  const startMs = performance.now()
  const res = await request(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const events: TimedEvent[] = []
  let text = ''
  let pending = ''
  let error: Error | null = null
  try {
    for await (const part of res.body) {
      const atMs = performance.now() - startMs
      const decoded = (part as Buffer).toString('utf8')
      text += decoded
      pending += decoded
      let end = pending.indexOf('\n\n')
      while (end >= 0) {
        const event = pending.slice(0, end)
        pending = pending.slice(end + 2)
        if (event.startsWith('data: ')) events.push({ data: event.slice('data: '.length), atMs })
        end = pending.indexOf('\n\n')
      }
    }
  } catch (caught) {
    error = caught as Error
  }
  return { status: res.statusCode, headers: res.headers, text, events, error }
}

export async function get(baseUrl: string, path: string): Promise<{ status: number; json: unknown }> {
  const res = await request(`${baseUrl}${path}`)
  return { status: res.statusCode, json: await res.body.json() }
}

export interface ChunkChoice {
  index: number
  delta?: { role?: string; content?: string }
  text?: string
  finish_reason: string | null
}

export interface Chunk {
  id: string
  object: string
  model: string
  choices: ChunkChoice[]
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
}

/** The JSON chunks of a stream (everything but [DONE]). */
export function chunksOf(result: PostResult): Chunk[] {
  return result.events
    .filter((event) => event.data !== '[DONE]')
    .map((event) => JSON.parse(event.data) as Chunk)
}

/** Token text of a chat or completions chunk, '' for role-only and usage chunks. */
export function tokenText(chunk: Chunk): string {
  // The error event has no choices at all.
  const choice = (chunk.choices ?? [])[0]
  return choice?.delta?.content ?? choice?.text ?? ''
}
