// The few response headers a record keeps, read straight from undici's raw header buffers.

export interface ResponseHeaders {
  contentType: string | null
  /** x-litellm-model-id: which deployment of a LiteLLM model group served the call. */
  litellmModelId: string | null
  /** x-litellm-overhead-duration-ms: time LiteLLM itself added. */
  litellmOverheadMs: number | null
  retryAfter: string | null
}

/** Raw headers alternate name, value. Names are compared by length first: only four matter. */
export function readResponseHeaders(rawHeaders: Buffer[]): ResponseHeaders {
  const headers: ResponseHeaders = {
    contentType: null,
    litellmModelId: null,
    litellmOverheadMs: null,
    retryAfter: null,
  }
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const length = (rawHeaders[i] as Buffer).length
    if (length !== 12 && length !== 18 && length !== 30 && length !== 11) continue
    const name = (rawHeaders[i] as Buffer).toString('latin1').toLowerCase()
    const value = (rawHeaders[i + 1] as Buffer).toString('latin1')
    if (name === 'content-type') headers.contentType = value
    else if (name === 'x-litellm-model-id') headers.litellmModelId = value
    else if (name === 'x-litellm-overhead-duration-ms') headers.litellmOverheadMs = parseNumber(value)
    else if (name === 'retry-after') headers.retryAfter = value
  }
  return headers
}

function parseNumber(value: string): number | null {
  const number = Number.parseFloat(value)
  return Number.isFinite(number) ? number : null
}

/** Retry-After is delay-seconds or an HTTP date (RFC 9110 §10.2.3); seconds from now. */
export function parseRetryAfter(value: string, nowEpochMs = Date.now()): number | null {
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed)
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? null : Math.max(0, (date - nowEpochMs) / 1000)
}

/** SSE unless the server said otherwise: a missing Content-Type is read as a stream. */
export function isEventStream(contentType: string | null): boolean {
  return contentType === null || contentType.trim().toLowerCase().startsWith('text/event-stream')
}

/** What one attempt's response said, as the record reports it; a retry starts from nothing. */
export interface ResponseFacts {
  /** performance.now() at the first response byte. */
  ttfbAt: number | null
  httpStatus: number | null
  litellmModelId: string | null
  litellmOverheadMs: number | null
  retryAfterS: number | null
}

export function noResponse(): ResponseFacts {
  return { ttfbAt: null, httpStatus: null, litellmModelId: null, litellmOverheadMs: null, retryAfterS: null }
}

/** Error bodies are kept up to this size: enough for any message, bounded for a hostile server. */
const MAX_ERROR_BODY_BYTES = 64 * 1024

/** An error response's body, for its message. */
export class ErrorBody {
  private readonly chunks: Buffer[] = []
  private bytes = 0

  push(chunk: Buffer): void {
    if (this.bytes >= MAX_ERROR_BODY_BYTES) return
    this.chunks.push(Buffer.from(chunk))
    this.bytes += chunk.length
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8')
  }
}
