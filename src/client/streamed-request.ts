// The transport of one OpenAI-compatible streaming request: an undici dispatch handler that
// keeps the deadlines, retries a stale keep-alive socket once, lingers after [DONE] and
// honours aborts. It observes raw times and counts, and hands them to buildRecord. Every
// time is performance.now() at the moment the client observes the event (one reading per
// network read: events that arrive together were observed together).
import type { Dispatcher } from 'undici'
import {
  type ClientErrorCode,
  errorCode,
  httpErrorCode,
  networkErrorCode,
  networkErrorMessage,
  timeoutErrorCode,
} from '../http/error-code.js'
import { abortMessage, clip, httpErrorBodyMessage } from '../http/error-message.js'
import { maskSecretsInText } from '../http/mask.js'
import type { Outcome, RequestRecord, TimeoutKind } from '../types.js'
import { timeoutMessage, undiciTimeoutKind, Watchdog } from './deadlines.js'
import { isClosingPool } from './pool.js'
import { type AnsweredRecord, buildRequestBody, type RequestSpec } from './request-spec.js'
import {
  ErrorBody,
  isEventStream,
  noResponse,
  parseRetryAfter,
  type ResponseFacts,
  readResponseHeaders,
} from './response-headers.js'
import type { Route, RunClient } from './send-request.js'
import { expectSocket } from './socket-reuse.js'
import { StreamEvents } from './stream-events.js'
import { TokenTally } from './token-tally.js'
import { transportRecord } from './transport-record.js'

/** Errors of a reused socket closing before the response; safe to retry once. */
const RETRYABLE_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'])

/** After `[DONE]`, how long to wait for the HTTP response to end before closing it. */
const LINGER_AFTER_DONE_MS = 250

/** The parts of a response that decide the outcome. */
type Mode = 'headers' | 'sse' | 'error-body'

export class StreamedRequest implements Dispatcher.DispatchHandler {
  private readonly route: Route
  retries = 0
  reusedSocket = false

  // performance.now() readings of the current attempt.
  sentAt = 0
  lastByteAt = 0

  private mode: Mode = 'headers'
  private events: StreamEvents | null = null
  private readonly tally: TokenTally
  private readonly errorBody = new ErrorBody()

  /** What the current attempt's response said; a retry starts from nothing. */
  private response: ResponseFacts = noResponse()

  private abortDispatch: ((error?: Error) => void) | null = null
  private readonly watchdog: Watchdog
  private lingerTimer: NodeJS.Timeout | null = null
  /** Set once the outcome is known; undici callbacks after that are ignored. */
  private record: RequestRecord | null = null
  private resolved = false
  /** Its slot in the client's in-flight set; -1 before it is added. */
  private inFlightSlot = -1

  constructor(
    private readonly spec: RequestSpec,
    private readonly client: RunClient,
    private readonly resolve: (record: RequestRecord) => void,
  ) {
    this.route = client.route
    this.tally = new TokenTally(client.ctx.countTokens !== null, spec.keepAnswer === true)
    this.watchdog = new Watchdog(client.ctx.timeouts, this, (kind, now) => {
      if (this.record !== null) return
      this.finishTimeout(now, kind)
      this.abortRequest()
      this.settle()
    })
  }

  get awaitingHeaders(): boolean {
    return this.mode === 'headers'
  }

  start(): void {
    const { signal } = this.client.ctx
    if (signal.aborted) {
      this.sentAt = performance.now()
      this.finish('aborted', this.sentAt, abortMessage(signal.reason), 'ABORTED')
      this.settle()
      return
    }
    this.inFlightSlot = this.client.inFlight.add(this)
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
    if (isClosingPool(this.client.ctx.dispatcher)) options.reset = true
    this.sentAt = performance.now()
    this.watchdog.arm(this.sentAt)
    this.client.ctx.dispatcher.dispatch(options, this)
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
    if (this.response.ttfbAt === null) {
      this.response.ttfbAt = performance.now()
      this.lastByteAt = this.response.ttfbAt
    }
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, _statusText: string): boolean {
    if (this.record !== null) return true
    const now = performance.now()
    if (this.response.ttfbAt === null) this.response.ttfbAt = now
    this.lastByteAt = now
    if (statusCode < 200) return true // 1xx: the real response follows
    const headers = readResponseHeaders(rawHeaders)
    this.response.httpStatus = statusCode
    this.response.litellmModelId = headers.litellmModelId
    this.response.litellmOverheadMs = headers.litellmOverheadMs
    if (statusCode >= 300) {
      this.mode = 'error-body'
      this.watchdog.rearmForBody(now)
      if (headers.retryAfter !== null) this.response.retryAfterS = parseRetryAfter(headers.retryAfter)
      return true
    }
    if (!isEventStream(headers.contentType)) {
      const got = clip((headers.contentType ?? '').trim(), 80)
      this.fail('stream_error', now, `Expected text/event-stream, got ${got}`, 'STREAM_NOT_SSE')
      return true
    }
    this.mode = 'sse'
    this.watchdog.rearmForBody(now)
    this.events = new StreamEvents(this.tally)
    return true
  }

  onData(chunk: Buffer): boolean {
    if (this.record !== null) return true
    const now = performance.now()
    this.lastByteAt = now
    if (this.mode === 'sse') {
      try {
        this.onVerdict(this.events?.push(chunk, now) ?? null, now)
      } catch (error) {
        this.failUnexpected(error)
      }
    } else if (this.mode === 'error-body') {
      this.errorBody.push(chunk)
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
    if (this.mode === 'error-body') {
      this.finishHttpError(now)
      return
    }
    try {
      this.onVerdict((this.events ?? new StreamEvents(this.tally)).end(now), now)
    } catch (error) {
      this.failUnexpected(error)
    }
    this.settle()
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
      this.response.ttfbAt === null &&
      this.reusedSocket &&
      this.retries === 0 &&
      code !== null &&
      RETRYABLE_CODES.has(code)
    ) {
      this.retries = 1
      this.watchdog.clear()
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
    const kind = undiciTimeoutKind(code)
    if (kind !== null) this.finishTimeout(now, kind)
    else this.finish('network_error', now, networkErrorMessage(error), networkErrorCode(error))
    this.settle()
  }

  private onVerdict(verdict: StreamEvents['verdict'], now: number): void {
    if (verdict === null || this.record !== null) return
    if (verdict.kind === 'fault') {
      this.fail('stream_error', now, verdict.message, verdict.code)
      return
    }
    this.finish('ok', now, null, null)
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

  // ── endings ──

  abortByUser(reason: unknown): void {
    if (this.record !== null) return
    this.fail('aborted', performance.now(), abortMessage(reason), 'ABORTED')
  }

  /** A fault with the server still sending: record it, stop reading, settle now. */
  private fail(outcome: Outcome, now: number, error: string, code: ClientErrorCode): void {
    this.finish(outcome, now, error, code)
    this.abortRequest()
    this.settle()
  }

  private finishTimeout(now: number, kind: TimeoutKind): void {
    this.finish('timeout', now, timeoutMessage(kind, this.client.ctx.timeouts), timeoutErrorCode(kind), kind)
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
    const body = this.errorBody.text()
    const status = this.response.httpStatus
    this.finish('http_error', now, `HTTP ${status}: ${httpErrorBodyMessage(body)}`, httpErrorCode(status))
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
    this.mode = 'headers'
    this.response = noResponse()
  }

  /** Hands the record over (once) and drops every timer and registration. */
  private settle(): void {
    if (this.resolved || this.record === null) return
    this.resolved = true
    this.watchdog.clear()
    if (this.lingerTimer !== null) {
      clearTimeout(this.lingerTimer)
      this.lingerTimer = null
    }
    this.client.inFlight.delete(this.inFlightSlot, this)
    this.resolve(this.record)
  }

  /** The raw observation, once; `now` is the request's end. */
  private finish(
    outcome: Outcome,
    now: number,
    error: string | null,
    code: string | null,
    timeoutKind: TimeoutKind | null = null,
  ): void {
    if (this.record !== null) return
    this.record = transportRecord({
      spec: this.spec,
      ctx: this.client.ctx,
      response: this.response,
      tally: this.tally.observed(this.client.ctx.countTokens, this.client.ctx.runStartMs),
      outcome,
      endedAt: now,
      sentAt: this.sentAt,
      error: error === null ? null : maskSecretsInText(error, this.route.secrets),
      code,
      timeoutKind,
      retries: this.retries,
    })
    // Handed back beside the record, not in it (see AnsweredRecord).
    if (this.spec.keepAnswer === true) (this.record as AnsweredRecord).answerText = this.tally.answer
  }
}
