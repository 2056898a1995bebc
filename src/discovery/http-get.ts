// One bounded GET for discovery and liveness checks. Never throws: a network failure is
// returned as data so each caller can decide between a fallback and a TargetError.

import type { Dispatcher } from 'undici'
import { httpErrorBodyMessage } from '../http/error-message.js'
import { maskSecretsInText, maskUrl } from '../http/mask.js'

/** A model list of a large proxy is a few MB at most; beyond this the server is misbehaving. */
const maxBodyBytes = 16 * 1024 * 1024

export type HttpGetResult =
  | { status: number; bodyText: string; headers: Record<string, string | string[] | undefined> }
  | { status: null; error: string }

export interface HttpGetOptions {
  headers: Record<string, string>
  timeoutMs: number
  dispatcher: Dispatcher
}

export async function httpGet(url: string, options: HttpGetOptions): Promise<HttpGetResult> {
  try {
    const { origin, pathname, search } = new URL(url)
    const response = await options.dispatcher.request({
      origin,
      path: `${pathname}${search}`,
      method: 'GET',
      headers: { accept: 'application/json', ...options.headers },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs),
    })
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer
      size += buffer.length
      if (size > maxBodyBytes) {
        response.body.destroy()
        return { status: null, error: `response body larger than ${maxBodyBytes} bytes` }
      }
      chunks.push(buffer)
    }
    return {
      status: response.statusCode,
      bodyText: Buffer.concat(chunks).toString('utf8'),
      headers: response.headers,
    }
  } catch (error) {
    return { status: null, error: describeNetworkError(error, options.timeoutMs) }
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { code, cause } = error as { code?: unknown; cause?: unknown }
  if (typeof code === 'string') return code
  return cause === undefined ? undefined : errorCode(cause)
}

const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

/** A short description of why a request got no response: "connection refused (ECONNREFUSED)". */
export function describeNetworkError(error: unknown, timeoutMs: number): string {
  const code = errorCode(error)
  const name = error instanceof Error ? error.name : ''
  if (name === 'TimeoutError' || (code !== undefined && timeoutCodes.has(code))) {
    return `no answer within ${timeoutMs} ms`
  }
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host name not found (${code})`
  const message = error instanceof Error ? error.message : String(error)
  return code === undefined || message.includes(code) ? message : `${message} (${code})`
}

/**
 * "GET <url>: HTTP 401: <server message>" or "GET <url>: <network error>", with every secret
 * masked. Used for TargetError messages and notes.
 */
export function describeFailure(url: string, result: HttpGetResult, secrets: readonly string[]): string {
  const where = `GET ${maskUrl(url, secrets)}`
  if (result.status === null) return maskSecretsInText(`${where}: ${result.error}`, secrets)
  const message = result.bodyText.trim() === '' ? '' : httpErrorBodyMessage(result.bodyText)
  const text =
    message === '' ? `${where}: HTTP ${result.status}` : `${where}: HTTP ${result.status}: ${message}`
  return maskSecretsInText(text, secrets)
}
