import type { ServerResponse } from 'node:http'
import { errorBody } from './openai-wire.js'

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

/** An OpenAI-style error: {"error":{"message","type","param":null,"code":<status>}}. */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, errorBody(message, type, status), headers)
}
