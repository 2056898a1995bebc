// Byte-level, incremental Server-Sent Events decoder (WHATWG framing, as openai-node's
// SSEDecoder/LineDecoder read it). It works on the raw network Buffers: lines are found with
// native indexOf and only a complete line is decoded, so a multi-byte UTF-8 character split
// across network chunks is exact and no string is built per byte. Invalid UTF-8 becomes
// U+FFFD (Buffer's decoder), never a throw.

export interface SseEvent {
  /** The event's data lines joined with '\n'. */
  data: string
  /** The `event:` field, or null when the event had none. */
  event: string | null
}

export interface SseParser {
  push(chunk: Uint8Array): void
  /** End of stream: flushes an unterminated last line (see end() below). */
  end(): void
}

const LF = 0x0a
const CR = 0x0d
const COLON = 0x3a
const SPACE = 0x20

export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  // Bytes of a line that has not ended yet, copied (the caller may reuse its buffers).
  let partial: Buffer[] = []
  // The previous chunk ended with CR: a LF at the start of the next one is part of that line end.
  let skipLf = false
  let atStreamStart = true
  let ended = false
  let data: string | null = null
  let eventName: string | null = null

  function dispatch(): void {
    // openai-node dispatches an event that has a name but no data; a bare blank line is nothing.
    if (data === null && eventName === null) return
    const event: SseEvent = { data: data ?? '', event: eventName }
    data = null
    eventName = null
    onEvent(event)
  }

  function onLine(buf: Buffer, startIndex: number, end: number): void {
    let start = startIndex
    if (atStreamStart) {
      atStreamStart = false
      // A UTF-8 byte order mark may open the stream; it is not part of the first field name.
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf)
        start += 3
    }
    if (start === end) {
      dispatch()
      return
    }
    const first = buf[start]
    if (first === COLON) return // comment / keep-alive
    // Fast path for the line that carries every chunk: "data:".
    if (
      first === 0x64 &&
      end - start >= 5 &&
      buf[start + 1] === 0x61 &&
      buf[start + 2] === 0x74 &&
      buf[start + 3] === 0x61 &&
      buf[start + 4] === COLON
    ) {
      let valueStart = start + 5
      if (valueStart < end && buf[valueStart] === SPACE) valueStart++
      const value = buf.toString('utf8', valueStart, end)
      data = data === null ? value : `${data}\n${value}`
      return
    }
    let colon = start
    while (colon < end && buf[colon] !== COLON) colon++
    const field = buf.toString('utf8', start, colon)
    let valueStart = colon + 1
    if (valueStart < end && buf[valueStart] === SPACE) valueStart++
    const value = colon < end ? buf.toString('utf8', valueStart, end) : ''
    if (field === 'data') data = data === null ? value : `${data}\n${value}`
    else if (field === 'event') eventName = value
    // id and retry do not matter to a one-shot stream reader.
  }

  function endLine(buf: Buffer, start: number, end: number): void {
    if (partial.length === 0) {
      onLine(buf, start, end)
      return
    }
    if (end > start) partial.push(buf.subarray(start, end))
    const line = Buffer.concat(partial)
    partial = []
    onLine(line, 0, line.length)
  }

  return {
    push(chunk: Uint8Array): void {
      if (ended || chunk.length === 0) return
      const buf = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      const length = buf.length
      let pos = 0
      if (skipLf) {
        skipLf = false
        if (buf[0] === LF) pos = 1
      }
      // Next LF / CR at or after pos; -1 = none left in this chunk. Each is searched again
      // only once passed, so a chunk is scanned linearly whatever its line count.
      let lf = -2
      let cr = -2
      while (pos < length) {
        if (lf !== -1 && lf < pos) lf = buf.indexOf(LF, pos)
        if (cr !== -1 && cr < pos) cr = buf.indexOf(CR, pos)
        if (cr !== -1 && (lf === -1 || cr < lf)) {
          endLine(buf, pos, cr)
          if (cr + 1 < length) {
            pos = buf[cr + 1] === LF ? cr + 2 : cr + 1
          } else {
            pos = length
            skipLf = true
          }
        } else if (lf !== -1) {
          endLine(buf, pos, lf)
          pos = lf + 1
          // Most events end "…\n\n": take the blank line without another search.
          if (buf[pos] === LF) {
            dispatch()
            pos++
          }
        } else {
          break
        }
      }
      if (pos < length) partial.push(Buffer.from(buf.subarray(pos, length)))
    },

    /**
     * An unterminated last line is processed; then a pending event is dispatched only when
     * its data is `[DONE]` or complete JSON (lenient like vLLM's benchmark client: a final
     * event without its blank line is whole, a truncated one is not).
     */
    end(): void {
      if (ended) return
      if (partial.length > 0) {
        const line = Buffer.concat(partial)
        partial = []
        onLine(line, 0, line.length)
      }
      ended = true
      if (data === null) return
      if (data === '[DONE]' || isJson(data)) dispatch()
    },
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
