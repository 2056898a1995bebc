// A raw node:net HTTP/1.1 server for client tests: it parses requests (head + content-length
// body, several per connection) and lets each test write exact bytes with exact timing.
import { createServer, type Socket } from 'node:net'

export interface RawRequest {
  method: string
  path: string
  /** Header names lower-cased. */
  headers: Record<string, string>
  body: string
  /** 0-based index of the connection, and of the request on that connection. */
  connection: number
  onConnection: number
}

export interface RawServer {
  port: number
  /** http://127.0.0.1:port/v1 */
  baseUrl: string
  requests: RawRequest[]
  connections: number
  close(): Promise<void>
}

export type RawHandler = (request: RawRequest, socket: Socket) => void

export async function startRawServer(handle: RawHandler): Promise<RawServer> {
  const sockets = new Set<Socket>()
  const state: RawServer = {
    port: 0,
    baseUrl: '',
    requests: [],
    connections: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  const server = createServer((socket) => {
    const connection = state.connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {
      // Clients that reset are part of the tests.
    })
    let buffered = Buffer.alloc(0)
    let onConnection = 0
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data])
      for (;;) {
        const headEnd = buffered.indexOf('\r\n\r\n')
        if (headEnd === -1) return
        const lines = buffered.subarray(0, headEnd).toString('latin1').split('\r\n')
        const [method = '', path = ''] = (lines[0] ?? '').split(' ')
        const headers: Record<string, string> = {}
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':')
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
        }
        const length = Number(headers['content-length'] ?? 0)
        if (buffered.length < headEnd + 4 + length) return
        const body = buffered.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8')
        buffered = buffered.subarray(headEnd + 4 + length)
        const request: RawRequest = { method, path, headers, body, connection, onConnection: onConnection++ }
        state.requests.push(request)
        handle(request, socket)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  state.port = address.port
  state.baseUrl = `http://127.0.0.1:${address.port}/v1`
  return state
}

/** Response head of a chunked SSE stream. */
export function sseHead(extraHeaders = ''): string {
  return `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ntransfer-encoding: chunked\r\nconnection: keep-alive\r\n${extraHeaders}\r\n`
}

/** One HTTP chunk holding the given bytes. */
export function httpChunk(text: string | Buffer): Buffer {
  const body = typeof text === 'string' ? Buffer.from(text, 'utf8') : text
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')])
}

export const LAST_CHUNK = '0\r\n\r\n'

/** An SSE `data:` event for a JSON payload. */
export function sseData(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`
}

export function contentChunk(content: string, extra: Record<string, unknown> = {}): unknown {
  return {
    id: 'chatcmpl-t',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
    ...extra,
  }
}

export const ROLE_CHUNK = {
  id: 'chatcmpl-t',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
}

export function finishChunk(reason = 'stop'): unknown {
  return {
    id: 'chatcmpl-t',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content: '' }, logprobs: null, finish_reason: reason }],
  }
}

export function usageChunk(
  promptTokens: number,
  completionTokens: number,
  reasoningTokens?: number,
): unknown {
  const usage: Record<string, unknown> = {
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens: completionTokens,
  }
  if (reasoningTokens !== undefined) usage.completion_tokens_details = { reasoning_tokens: reasoningTokens }
  return { id: 'chatcmpl-t', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage }
}

/**
 * Writes `steps` on the socket at absolute offsets (ms) from the call, so timer lateness
 * does not add up. A step is bytes to write, or a function to run. Returns the
 * performance.now() at which each step actually ran (server and client share the clock),
 * so tests can check what the client measured against what the server really did.
 */
export function schedule(socket: Socket, steps: Array<[number, string | Buffer | (() => void)]>): number[] {
  const start = performance.now()
  const ranAt: number[] = []
  let index = 0
  const next = () => {
    while (index < steps.length) {
      const [atMs, step] = steps[index] as [number, string | Buffer | (() => void)]
      const waitMs = start + atMs - performance.now()
      if (waitMs > 0.5) {
        setTimeout(next, waitMs)
        return
      }
      index++
      if (socket.destroyed) return
      ranAt.push(performance.now())
      if (typeof step === 'function') step()
      else socket.write(step)
    }
  }
  next()
  return ranAt
}
