// Error body → message, the one version: a record's `error`, a discovery note and a probe
// failure all describe a server's error body the same way, in at most 200 characters.

/** The message of an error value: a string, `{message}`, `{error}`, `{error: {message}}`, `{detail}`. */
export function errorText(error: unknown): string {
  if (typeof error === 'string') return error
  if (isObject(error)) {
    if (typeof error.message === 'string') return error.message
    if (typeof error.error === 'string') return error.error
    if (isObject(error.error) && typeof error.error.message === 'string') return error.error.message
    if (typeof error.detail === 'string') return error.detail
  }
  return JSON.stringify(error) ?? String(error)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

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
  if (!isObject(parsed)) return null
  const body = parsed
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
