// One OpenAI-compatible streaming request over undici → one RequestRecord. Never throws.
// Every time is performance.now() at the moment the client observes the event (one reading
// per network read: events that arrive together were observed together). See the
// MEASUREMENT CONTRACT in ARCHITECTURE.md for what each field means.
import type { Dispatcher } from 'undici'
import { headerSecrets, urlSecrets } from '../http/credentials.js'
import {
  type ClientErrorCode,
  errorCode,
  httpErrorCode,
  networkErrorCode,
  networkErrorMessage,
  timeoutErrorCode,
} from '../http/error-code.js'
import { abortMessage, clip, eventErrorMessage, httpErrorBodyMessage } from '../http/error-message.js'
import { maskSecretsInText } from '../http/mask.js'
import type { ApiKind, Outcome, Prompt, RequestRecord, TimeoutKind, Timeouts } from '../types.js'
import { buildRecord } from './build-record.js'
import { isClosingPool, timerMs } from './pool.js'
import {
  type ChunkFacts,
  type ChunkReader,
  createChunkReader,
  emptyFacts,
  type Template,
} from './read-chunk.js'
import { isEventStream, parseRetryAfter, readResponseHeaders } from './response-headers.js'
import { expectSocket } from './socket-reuse.js'
import { createSseParser, type SseEvent, type SseParser } from './sse-parser.js'
import { TokenTally } from './token-tally.js'

export interface RequestSpec {
  requestId: number
  model: string
  prompt: Prompt
  api: ApiKind
  maxTokens: number
  temperature: number
  ignoreEos: boolean
  includeUsage: boolean
  /** When the schedule wanted it sent (ms from run start); null in a closed loop. */
  scheduledAtMs: number | null
}

export interface ClientContext {
  dispatcher: Dispatcher
  /** Base URL ending with /v1, e.g. http://127.0.0.1:8000/v1. */
  baseUrl: string
  /** Request headers, authorization included; content-type is added when missing. */
  headers: Record<string, string>
  timeouts: Timeouts
  /** performance.now() at run start; record times are offsets from it. */
  runStartMs: number
  runStartEpochMs: number
  /** Counts generated text when the stream carries no usage. */
  countTokens: ((text: string) => number) | null
  /** Aborting it ends every in-flight request as outcome 'aborted'. */
  signal: AbortSignal
}

/** The JSON body of a streamed chat or legacy completions request. */
export function buildRequestBody(spec: RequestSpec): string {
  const body: Record<string, unknown> = { model: spec.model }
  if (spec.api === 'chat') body.messages = [{ role: 'user', content: spec.prompt.text }]
  else body.prompt = spec.prompt.text
  body.max_tokens = spec.maxTokens
  body.temperature = spec.temperature
  body.stream = true
  if (spec.includeUsage) body.stream_options = { include_usage: true }
  if (spec.ignoreEos) body.ignore_eos = true
  return JSON.stringify(body)
}

/**
 * Sends one streamed request and resolves with its record; it never rejects. Outcomes:
 * non-2xx → http_error; 2xx that is not text/event-stream, an error event or payload, an
 * invalid JSON payload, or an end without `[DONE]` and without finish_reason → stream_error;
 * socket errors → network_error (errno code in `error`); connect / first_byte / idle / total
 * → timeout; ctx.signal → aborted. A reused keep-alive socket that closes before any
 * response byte is retried once on a fresh attempt (retries = 1), and the record then
 * measures that attempt: sent_at_ms is the retry's send.
 */
export function sendRequest(spec: RequestSpec, ctx: ClientContext): Promise<RequestRecord> {
  return new Promise<RequestRecord>((resolve) => {
    const request = new StreamedRequest(spec, ctx, resolve)
    try {
      request.start()
    } catch (error) {
      request.failUnexpected(error)
    }
  })
}

interface Route {
  origin: string
  chatPath: string
  completionsPath: string
  headers: Record<string, string>
  /** Values to mask in error messages (the API key). */
  secrets: string[]
}

// Derived once per run context, not per request.
const routes = new WeakMap<ClientContext, Route>()

function routeFor(ctx: ClientContext): Route {
  let route = routes.get(ctx)
  if (route !== undefined) return route
  const url = new URL(ctx.baseUrl)
  const prefix = url.pathname.replace(/\/+$/, '')
  const headers: Record<string, string> = { ...ctx.headers }
  const names = Object.keys(headers).map((name) => name.toLowerCase())
  if (!names.includes('content-type')) headers['content-type'] = 'application/json'
  // A server may echo any credential header (x-auth-token, cookie) in its error body.
  const secrets = [...headerSecrets(ctx.headers), ...urlSecrets(ctx.baseUrl)]
  route = {
    origin: url.origin,
    chatPath: `${prefix}/chat/completions`,
    completionsPath: `${prefix}/completions`,
    headers,
    secrets,
  }
  routes.set(ctx, route)
  return route
}

// In-flight requests per abort signal: one listener per signal, not one per request.
const inFlight = new WeakMap<AbortSignal, Set<StreamedRequest>>()

function track(signal: AbortSignal, request: StreamedRequest): void {
  let requests = inFlight.get(signal)
  if (requests === undefined) {
    const set = new Set<StreamedRequest>()
    requests = set
    inFlight.set(signal, set)
    signal.addEventListener(
      'abort',
      () => {
        for (const each of [...set]) each.abortByUser(signal.reason)
      },
      { once: true },
    )
  }
  requests.add(request)
}

/** Errors of a reused socket closing before the response; safe to retry once. */
const RETRYABLE_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'])

/** After `[DONE]`, how long to wait for the HTTP response to end before closing it. */
const LINGER_AFTER_DONE_MS = 250

/** Error bodies are kept up to this size for the message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024

/** The parts of a response that decide the outcome. */
type Mode = 'headers' | 'sse' | 'error-body'

class StreamedRequest implements Dispatcher.DispatchHandler {
  private readonly route: Route

  retries = 0
  reusedSocket = false

  // performance.now() readings of the current attempt.
  private sentAt = 0
  private ttfbAt: number | null = null
  private lastByteAt = 0
  /** When the bytes being parsed arrived: events of one network read share it. */
  private nowMs = 0

  private mode: Mode = 'headers'
  private status: number | null = null
  private parser: SseParser | null = null
  private reader: ChunkReader | null = null
  /** The reader template the parser's token lane was made from. */
  private laneTemplate: Template | null = null
  private readonly laneFacts: ChunkFacts = emptyFacts()
  private tally: TokenTally
  private errorBody: Buffer[] = []
  private errorBodyBytes = 0

  private litellmModelId: string | null = null
  private litellmOverheadMs: number | null = null
  private retryAfterS: number | null = null

  private abortDispatch: ((error?: Error) => void) | null = null
  /** One timer per request for the first_byte, idle and total deadlines (see armWatchdog). */
  private watchdog: NodeJS.Timeout | null = null
  private watchdogAt = Number.POSITIVE_INFINITY
  private lingerTimer: NodeJS.Timeout | null = null
  /** Set once the outcome is known; undici callbacks after that are ignored. */
  private record: RequestRecord | null = null
  private resolved = false

  constructor(
    private readonly spec: RequestSpec,
    private readonly ctx: ClientContext,
    private readonly resolve: (record: RequestRecord) => void,
  ) {
    this.route = routeFor(ctx)
    this.tally = new TokenTally(ctx.countTokens !== null)
  }

  start(): void {
    if (this.ctx.signal.aborted) {
      this.sentAt = performance.now()
      this.finish('aborted', this.sentAt, abortMessage(this.ctx.signal.reason), 'ABORTED')
      this.settle()
      return
    }
    track(this.ctx.signal, this)
    this.dispatch()
  }

  private dispatch(): void {
    const options: Dispatcher.DispatchOptions = {
      origin: this.route.origin,
      path: this.spec.api === 'chat' ? this.route.chatPath : this.route.completionsPath,
      method: 'POST',
      headers: this.route.headers,
      body: buildRequestBody(this.spec),
      // undici's own header/body timers tick in steps of up to a second; the watchdog
      // keeps these deadlines to the millisecond, so they are off here.
      headersTimeout: 0,
      bodyTimeout: 0,
    }
    if (isClosingPool(this.ctx.dispatcher)) options.reset = true
    this.sentAt = performance.now()
    this.armWatchdog(this.sentAt)
    this.ctx.dispatcher.dispatch(options, this)
  }

  // ── undici handler (the callback form: no per-request wrapping, raw header buffers) ──

  onConnect(abort: (error?: Error) => void): void {
    if (this.record !== null) {
      abort(new Error('request already ended'))
      return
    }
    this.abortDispatch = abort
    expectSocket(this)
  }

  onResponseStarted(): void {
    if (this.ttfbAt === null) {
      this.ttfbAt = performance.now()
      this.lastByteAt = this.ttfbAt
    }
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, _statusText: string): boolean {
    if (this.record !== null) return true
    const now = performance.now()
    if (this.ttfbAt === null) this.ttfbAt = now
    this.lastByteAt = now
    if (statusCode < 200) return true // 1xx: the real response follows
    this.status = statusCode
    const headers = readResponseHeaders(rawHeaders)
    this.litellmModelId = headers.litellmModelId
    this.litellmOverheadMs = headers.litellmOverheadMs
    if (statusCode >= 300) {
      this.mode = 'error-body'
      this.rearmForBody(now)
      if (headers.retryAfter !== null) this.retryAfterS = parseRetryAfter(headers.retryAfter)
      return true
    }
    if (!isEventStream(headers.contentType)) {
      this.fail(
        'stream_error',
        now,
        `Expected text/event-stream, got ${clip((headers.contentType ?? '').trim(), 80)}`,
        'STREAM_NOT_SSE',
      )
      return true
    }
    this.mode = 'sse'
    this.rearmForBody(now)
    this.reader = createChunkReader()
    this.laneTemplate = null
    this.parser = createSseParser((event) => this.onEvent(event))
    return true
  }

  onData(chunk: Buffer): boolean {
    if (this.record !== null) return true
    this.nowMs = performance.now()
    this.lastByteAt = this.nowMs
    if (this.mode === 'sse') {
      try {
        this.parser?.push(chunk)
      } catch (error) {
        this.failUnexpected(error)
      }
    } else if (this.mode === 'error-body' && this.errorBodyBytes < MAX_ERROR_BODY_BYTES) {
      this.errorBody.push(Buffer.from(chunk))
      this.errorBodyBytes += chunk.length
    }
    return true
  }

  onComplete(_trailers: string[] | null): void {
    this.abortDispatch = null
    if (this.record !== null) {
      this.settle()
      return
    }
    const now = performance.now()
    this.nowMs = now
    if (this.mode === 'error-body') {
      this.finishHttpError(now)
      return
    }
    try {
      this.parser?.end()
    } catch (error) {
      this.failUnexpected(error)
      return
    }
    if (this.record !== null) {
      this.settle()
      return
    }
    // No [DONE]: a close after a finish_reason is a clean end (llama.cpp, TGI); else truncated.
    if (this.tally.finishReason !== null) {
      this.endStream(now)
    } else {
      this.finish('stream_error', now, 'Stream ended without [DONE]', 'STREAM_NO_DONE')
      this.settle()
    }
  }

  onError(error: Error): void {
    this.abortDispatch = null
    if (this.record !== null) {
      this.settle()
      return
    }
    const now = performance.now()
    const code = errorCode(error)
    if (
      this.ttfbAt === null &&
      this.reusedSocket &&
      this.retries === 0 &&
      code !== null &&
      RETRYABLE_CODES.has(code)
    ) {
      this.retries = 1
      this.clearWatchdog()
      this.resetAttempt()
      try {
        this.dispatch()
      } catch (dispatchError) {
        this.failUnexpected(dispatchError)
      }
      return
    }
    if (this.mode === 'error-body') {
      this.finishHttpError(now)
      return
    }
    const { timeouts } = this.ctx
    // A Pool made elsewhere may still carry undici's own timeouts.
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      this.finishTimeout(now, `No connection within ${timeouts.connectMs} ms`, 'connect')
    } else if (code === 'UND_ERR_HEADERS_TIMEOUT') {
      this.finishTimeout(now, `No response headers within ${timeouts.firstByteMs} ms`, 'first_byte')
    } else if (code === 'UND_ERR_BODY_TIMEOUT') {
      this.finishTimeout(now, `No data for ${timeouts.idleMs} ms`, 'idle')
    } else {
      this.finish('network_error', now, networkErrorMessage(error), networkErrorCode(error))
    }
    this.settle()
  }

  // ── stream events ──

  private onEvent(event: SseEvent): void {
    if (this.record !== null) return
    const now = this.nowMs
    const { data } = event
    if (event.event === 'error') {
      this.fail(
        'stream_error',
        now,
        `Error event in stream: ${eventErrorMessage(data)}`,
        'STREAM_ERROR_EVENT',
      )
      return
    }
    if (data === '[DONE]') {
      this.endStream(now)
      return
    }
    // An empty data event is a keep-alive, not a chunk.
    if (data.length === 0 || (data.charCodeAt(0) <= 0x20 && data.trim() === '')) return
    const facts = (this.reader as ChunkReader).read(data)
    if (facts.invalid) {
      this.fail('stream_error', now, `Invalid JSON in stream: ${clip(data, 80)}`, 'STREAM_INVALID_JSON')
      return
    }
    if (facts.error !== null) {
      this.fail('stream_error', now, `Error in stream: ${clip(facts.error)}`, 'STREAM_ERROR_PAYLOAD')
      return
    }
    this.tally.observe(facts, now)
    // Once a plain token chunk has taught the reader this stream's template, the parser can
    // take every chunk of that shape whole (same facts, without decoding each event).
    const template = (this.reader as ChunkReader).template
    if (template !== this.laneTemplate) {
      this.laneTemplate = template
      if (template !== null) {
        const field = template.field
        const parser = this.parser as SseParser
        parser.setTokenLane({
          prefix: template.prefix,
          suffix: template.suffix,
          onToken: (text) => this.onLaneToken(text, field),
        })
      }
    }
  }

  /** A token chunk the parser took whole: its facts are the template's with this text. */
  private onLaneToken(text: string, field: 'answer' | 'reasoning'): void {
    if (this.record !== null) return
    const facts = this.laneFacts
    if (field === 'answer') facts.answerText = text
    else facts.reasoningText = text
    this.tally.observe(facts, this.nowMs)
  }

  /** The stream ended properly ([DONE], or a clean close after finish_reason). */
  private endStream(now: number): void {
    if (this.tally.tokenChunks === 0)
      this.finish('stream_error', now, 'Stream ended without any token', 'STREAM_NO_TOKENS')
    else this.finish('ok', now, null, null)
    // Let the response end so its connection can be reused; a server that keeps it open
    // after [DONE] is closed after a short linger (the record is already measured).
    if (this.abortDispatch !== null) {
      queueMicrotask(() => {
        if (this.resolved) return
        this.lingerTimer = setTimeout(() => {
          this.lingerTimer = null
          this.abortRequest()
          this.settle()
        }, LINGER_AFTER_DONE_MS)
      })
    } else {
      this.settle()
    }
  }

  // ── deadlines ──

  /**
   * Arms the request's single timer for its nearest deadline: total (sent + totalMs), first
   * byte (sent + firstByteMs, until the response headers) and idle (last byte + idleMs, once
   * streaming). It is not moved on every chunk: when it fires early because bytes came
   * since, it re-arms for the remainder, so a healthy stream costs one or two timers.
   */
  private armWatchdog(now: number): void {
    const { firstByteMs, idleMs, totalMs } = this.ctx.timeouts
    let deadline = Number.POSITIVE_INFINITY
    if (timerMs(totalMs) > 0) deadline = this.sentAt + totalMs
    if (this.mode === 'headers') {
      if (timerMs(firstByteMs) > 0) deadline = Math.min(deadline, this.sentAt + firstByteMs)
    } else if (timerMs(idleMs) > 0) {
      deadline = Math.min(deadline, this.lastByteAt + idleMs)
    }
    this.watchdogAt = deadline
    if (deadline === Number.POSITIVE_INFINITY) return
    this.watchdog = setTimeout(() => this.onWatchdog(), Math.max(1, Math.ceil(deadline - now)))
  }

  /** Headers are in: from now on the idle deadline applies, which may be the nearer one. */
  private rearmForBody(now: number): void {
    const idleMs = timerMs(this.ctx.timeouts.idleMs)
    if (idleMs > 0 && now + idleMs < this.watchdogAt) {
      this.clearWatchdog()
      this.armWatchdog(now)
    }
  }

  private onWatchdog(): void {
    this.watchdog = null
    if (this.record !== null) return
    const now = performance.now()
    const { firstByteMs, idleMs, totalMs } = this.ctx.timeouts
    if (timerMs(totalMs) > 0 && now - this.sentAt >= totalMs) {
      this.failTimeout(now, `Request exceeded ${totalMs} ms`, 'total')
    } else if (this.mode === 'headers' && timerMs(firstByteMs) > 0 && now - this.sentAt >= firstByteMs) {
      this.failTimeout(now, `No response headers within ${firstByteMs} ms`, 'first_byte')
    } else if (this.mode !== 'headers' && timerMs(idleMs) > 0 && now - this.lastByteAt >= idleMs) {
      this.failTimeout(now, `No data for ${idleMs} ms`, 'idle')
    } else {
      this.armWatchdog(now)
    }
  }

  private clearWatchdog(): void {
    if (this.watchdog !== null) {
      clearTimeout(this.watchdog)
      this.watchdog = null
    }
    this.watchdogAt = Number.POSITIVE_INFINITY
  }

  // ── endings ──

  abortByUser(reason: unknown): void {
    if (this.record !== null) return
    this.fail('aborted', performance.now(), abortMessage(reason), 'ABORTED')
  }

  /** A fault with the server still sending: record it, stop reading, settle now. */
  private fail(
    outcome: Outcome,
    now: number,
    error: string,
    code: ClientErrorCode,
    timeoutKind: TimeoutKind | null = null,
  ): void {
    this.finish(outcome, now, error, code, timeoutKind)
    this.abortRequest()
    this.settle()
  }

  private failTimeout(now: number, error: string, kind: TimeoutKind): void {
    this.fail('timeout', now, error, timeoutErrorCode(kind), kind)
  }

  private finishTimeout(now: number, error: string, kind: TimeoutKind): void {
    this.finish('timeout', now, error, timeoutErrorCode(kind), kind)
  }

  /** A bug in this client must still become a record, not a rejected promise. */
  failUnexpected(error: unknown): void {
    if (this.resolved) return
    const message = error instanceof Error ? error.message : String(error)
    if (this.record === null)
      this.finish('network_error', performance.now(), `Client error: ${clip(message)}`, 'CLIENT_ERROR')
    this.abortRequest()
    this.settle()
  }

  private finishHttpError(now: number): void {
    const body = Buffer.concat(this.errorBody).toString('utf8')
    this.finish(
      'http_error',
      now,
      `HTTP ${this.status}: ${httpErrorBodyMessage(body)}`,
      httpErrorCode(this.status),
    )
    this.settle()
  }

  private abortRequest(): void {
    const abort = this.abortDispatch
    this.abortDispatch = null
    // Before onConnect there is nothing to abort yet; onConnect aborts it (record is set).
    if (abort !== null) abort(new Error('request ended by the client'))
  }

  /** A retry starts from nothing the first attempt saw (it saw no response byte). */
  private resetAttempt(): void {
    this.ttfbAt = null
    this.mode = 'headers'
    this.status = null
    this.litellmModelId = null
    this.litellmOverheadMs = null
    this.retryAfterS = null
  }

  /** Hands the record over (once) and drops every timer and registration. */
  private settle(): void {
    if (this.resolved || this.record === null) return
    this.resolved = true
    this.clearWatchdog()
    if (this.lingerTimer !== null) {
      clearTimeout(this.lingerTimer)
      this.lingerTimer = null
    }
    inFlight.get(this.ctx.signal)?.delete(this)
    this.resolve(this.record)
  }

  /** Builds the record once; `now` is the request's end. */
  private finish(
    outcome: Outcome,
    now: number,
    error: string | null,
    code: string | null,
    timeoutKind: TimeoutKind | null = null,
  ): void {
    if (this.record !== null) return
    const { spec, ctx, tally } = this
    const at = (reading: number | null) => (reading === null ? null : reading - ctx.runStartMs)
    const tokens = tally.outputTokens(ctx.countTokens)
    this.record = buildRecord(
      {
        requestId: spec.requestId,
        model: spec.model,
        prompt: spec.prompt.text,
        scheduledAtMs: spec.scheduledAtMs,
      },
      {
        runStartEpochMs: ctx.runStartEpochMs,
        outcome,
        errorCode: code,
        error: error === null ? null : maskSecretsInText(error, this.route.secrets),
        timeoutKind,
        httpStatus: this.status,
        sentAtMs: this.sentAt - ctx.runStartMs,
        endedAtMs: now - ctx.runStartMs,
        ttfbAtMs: at(this.ttfbAt),
        firstTokenAtMs: at(tally.firstTokenAt),
        firstAnswerAtMs: at(tally.firstAnswerAt),
        outputTokens: tokens.count,
        tokensSource: tokens.source,
        inputTokens: tally.usage?.promptTokens ?? null,
        reasoningTokens: tally.usage?.reasoningTokens ?? null,
        finishReason: tally.finishReason,
        itlMs: tally.itlMs,
        retries: this.retries,
        retryAfterS: this.retryAfterS,
        litellmModelId: this.litellmModelId,
        litellmOverheadMs: this.litellmOverheadMs,
      },
    )
  }
}
