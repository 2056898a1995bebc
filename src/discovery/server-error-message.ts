// Pulls the human message out of an error response body. Shapes seen in the wild:
// OpenAI/LiteLLM `{"error": {"message", "type", "param", "code": "401" | 401}}`,
// vLLM's oldest `{"object": "error", "message"}`, FastAPI `{"detail": "..." | {"error": "..."}}`,
// TGI `{"error": "..."}`; anything else is shown as (shortened) text.

const maxTextLength = 300

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null
}

function messageOf(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim()
  const record = asRecord(value)
  if (record === null) return null
  for (const key of ['message', 'error', 'detail']) {
    const nested = messageOf(record[key])
    if (nested !== null) return nested
  }
  return null
}

/** The error message of a response body, or its shortened text; '' for an empty body. */
export function extractErrorMessage(bodyText: string): string {
  const text = bodyText.trim()
  if (text === '') return ''
  try {
    const message = messageOf(JSON.parse(text))
    if (message !== null) return shorten(message)
  } catch {
    // Not JSON (an HTML error page, a proxy's plain text): show the text itself.
  }
  return shorten(text.replace(/\s+/g, ' '))
}

function shorten(text: string): string {
  return text.length > maxTextLength ? `${text.slice(0, maxTextLength)}…` : text
}
