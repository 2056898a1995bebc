// Error cause → a stable `error_code` on every failed record (undici's typed `UND_ERR_*`
// codes are the model): summaries group by it and tests assert it, so nobody parses free
// text to tell a refused connection from a reset one.
import type { TimeoutKind } from '../types.js'
import { clip } from './error-message.js'

/** Codes the client gives itself; network errors keep their errno / undici code as is. */
export type ClientErrorCode =
  | 'TIMEOUT_CONNECT'
  | 'TIMEOUT_FIRST_BYTE'
  | 'TIMEOUT_IDLE'
  | 'TIMEOUT_TOTAL'
  | 'STREAM_NOT_SSE'
  | 'STREAM_ERROR_EVENT'
  | 'STREAM_ERROR_PAYLOAD'
  | 'STREAM_INVALID_JSON'
  | 'STREAM_NO_DONE'
  | 'STREAM_NO_TOKENS'
  | 'NETWORK_ERROR'
  | 'CLIENT_ERROR'
  | 'ABORTED'
  | 'NOT_SENT'

/** `HTTP_429`, `HTTP_500`, …: one code per status. */
export function httpErrorCode(status: number | null): string {
  return status === null ? 'HTTP_ERROR' : `HTTP_${status}`
}

export function timeoutErrorCode(kind: TimeoutKind): ClientErrorCode {
  switch (kind) {
    case 'connect':
      return 'TIMEOUT_CONNECT'
    case 'first_byte':
      return 'TIMEOUT_FIRST_BYTE'
    case 'idle':
      return 'TIMEOUT_IDLE'
    case 'total':
      return 'TIMEOUT_TOTAL'
  }
}

/** The errno / undici code of an error; an AggregateError (IPv4 + IPv6 attempts) gives its first. */
export function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && code !== '') return code
  const inner = (error as { errors?: unknown }).errors
  if (Array.isArray(inner) && inner.length > 0) return errorCode(inner[0])
  return null
}

/** The stable code of a network error: its own code (`ECONNREFUSED`, `UND_ERR_SOCKET`, …) or NETWORK_ERROR. */
export function networkErrorCode(error: unknown): string {
  return errorCode(error) ?? 'NETWORK_ERROR'
}

/** `CODE: message` for a network error (errno or undici code), e.g. "ECONNREFUSED: connect …". */
export function networkErrorMessage(error: unknown): string {
  const code = errorCode(error)
  const message = error instanceof Error ? error.message : String(error)
  const text = opensslReason(message.replace(/\s+/g, ' ').trim())
  if (code === null) return clip(text === '' ? 'network error' : text)
  return clip(text === '' ? code : `${code}: ${text}`)
}

/**
 * OpenSSL errors read "800C…:error:0A00010B:SSL routines:ssl3_get_record:wrong version
 * number:../deps/openssl/…:350:"; the reason is the useful part. The commonest one means
 * https:// was used for a server that speaks plain HTTP.
 */
function opensslReason(text: string): string {
  const reason = /:SSL routines:[^:]*:([^:]+):/.exec(text)?.[1]
  if (reason === undefined) return text
  return reason === 'wrong version number'
    ? 'wrong version number (the server does not speak TLS: use http:// in base_url?)'
    : reason
}
