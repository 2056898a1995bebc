// Short, secret-free descriptions of failed requests, as they go into a record's `error`.
import { errorText } from './read-chunk.js'

const MAX_MESSAGE_CHARS = 200

/**
 * The message of an HTTP error body: the OpenAI-style `error.message` (or `detail`, or a
 * top-level `message`) when the body is JSON, else the first 200 characters of the text
 * with HTML tags stripped, else "empty body".
 */
export function httpErrorBodyMessage(body: string): string {
  const trimmed = body.trim()
  if (trimmed === '') return 'empty body'
  if (trimmed.startsWith('{') || trimmed.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(trimmed)
      const message = jsonErrorMessage(parsed)
      if (message !== null) return clip(oneLine(message))
    } catch {
      // Not JSON after all: fall through to the text form.
    }
  }
  const text = oneLine(
    trimmed
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&nbsp;/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>'),
  )
  return text === '' ? 'empty body' : clip(text)
}

function jsonErrorMessage(parsed: unknown): string | null {
  if (typeof parsed === 'string') return parsed
  if (typeof parsed !== 'object' || parsed === null) return null
  const body = parsed as Record<string, unknown>
  if (body.error !== undefined && body.error !== null) return errorText(body.error)
  if (typeof body.message === 'string') return body.message
  if (typeof body.detail === 'string') return body.detail
  if (body.detail !== undefined && body.detail !== null) return errorText(body.detail)
  return null
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

export function clip(text: string, maxChars = MAX_MESSAGE_CHARS): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`
}

/**
 * Masks the request's own key and anything shaped like an API key (sk-…, Bearer …), since
 * servers sometimes echo the key they rejected.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***')
  }
  return (
    out
      .replace(/\b(sk-[A-Za-z0-9_-]{2})[A-Za-z0-9_-]{6,}/g, '$1***')
      // The token ends at a quote or separator, which stays (as discovery's maskSecretsInText).
      .replace(/(Bearer\s+)[^\s"',;]+/gi, '$1***')
  )
}

/** `CODE: message` for a network error (errno or undici code), e.g. "ECONNREFUSED: connect …". */
export function networkErrorMessage(error: unknown): string {
  const code = errorCode(error)
  const message = error instanceof Error ? error.message : String(error)
  const text = opensslReason(oneLine(message))
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

/** The errno / undici code of an error; an AggregateError (IPv4 + IPv6 attempts) gives its first. */
export function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && code !== '') return code
  const inner = (error as { errors?: unknown }).errors
  if (Array.isArray(inner) && inner.length > 0) return errorCode(inner[0])
  return null
}

/** The message of an SSE `event: error` (its data may be JSON or plain text). */
export function eventErrorMessage(data: string): string {
  if (data.trim() === '') return 'no details'
  try {
    const parsed: unknown = JSON.parse(data)
    const error = typeof parsed === 'object' && parsed !== null && 'error' in parsed ? parsed.error : parsed
    return clip(oneLine(errorText(error)))
  } catch {
    return clip(oneLine(data))
  }
}

/** "Aborted", with the abort reason when it is a message (e.g. "grace period ended"). */
export function abortMessage(reason: unknown): string {
  if (typeof reason === 'string' && reason !== '') return `Aborted: ${clip(reason)}`
  if (reason instanceof Error && reason.name !== 'AbortError' && reason.message !== '') {
    return `Aborted: ${clip(reason.message)}`
  }
  return 'Aborted'
}
