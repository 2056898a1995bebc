import type { Dispatcher } from 'undici'
import type { Target, Timeouts } from '../types.js'
import { Client, DispatcherClass } from './undici.js'

// Pools whose target closes its connection after every response (keepalive: false). The
// client sends such requests with `reset: true`: undici writes `connection: close` and
// destroys the socket after the response instead of offering it to the next request.
const closingPools = new WeakSet<Dispatcher>()

/** True when requests on this dispatcher must not reuse a connection. */
export function isClosingPool(dispatcher: Dispatcher): boolean {
  return closingPools.has(dispatcher)
}

/** A timeout in ms as undici wants it: 0 disables (Infinity would overflow Node's timers). */
export function timerMs(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0
}

/** Connections opened at once while warming (a connect storm of 5,000 overflows accept queues). */
const WARM_BATCH = 256
/**
 * Connections closed at once. Closing 5,000 in one turn kept every socket's teardown
 * (streams, events, promises) alive together: +13 MiB of peak RSS at the end of a run.
 */
const CLOSE_BATCH = 256

/**
 * One undici Client per connection, handed out from a free list: a request takes a free
 * connection in O(1) and gives it back when undici reports the response over (complete or
 * failed). undici's Pool searched its clients linearly for a free one on every dispatch
 * (9.6 % self time with ~1,000 connections, issue 13). The set holds `connections` = the
 * workload's concurrency cap, so a request never waits for a socket another one holds; no
 * HTTP pipelining. Should more requests than connections be in flight (a caller without
 * the cap), the extras queue on the clients in turn.
 */
export class ConnectionSet extends DispatcherClass {
  private readonly clients: Client[] = []
  private readonly free: Client[] = []
  private next = 0
  private closed = false

  constructor(
    private readonly origin: string,
    private readonly connections: number,
    private readonly options: Client.Options,
  ) {
    super()
  }

  /** Connections opened so far (each is opened by its first request). */
  size(): number {
    return this.clients.length
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    let client = this.free.pop()
    if (client === undefined) {
      if (this.clients.length < this.connections) {
        client = new Client(this.origin, this.options)
        this.clients.push(client)
      } else {
        client = this.clients[this.next++ % this.clients.length] as Client
        return client.dispatch(options, handler)
      }
    }
    return client.dispatch(options, new Returning(handler, client, this.free))
  }

  /**
   * Opens `count` connections (at most the set's size) before the measurement window with
   * one cheap GET each (no generation), `WARM_BATCH` at a time, so the run's first requests
   * find a warm socket instead of a connect storm. Resolves with the connections that answered.
   */
  async warm(
    path: string,
    headers: Record<string, string>,
    signal: AbortSignal,
    count = this.connections,
  ): Promise<number> {
    const target = Math.min(count, this.connections)
    let opened = 0
    for (let i = this.clients.length; i < target && !signal.aborted; i += WARM_BATCH) {
      const batch = Math.min(WARM_BATCH, target - i)
      const clients = Array.from({ length: batch }, () => new Client(this.origin, this.options))
      this.clients.push(...clients)
      const answered = await Promise.all(
        clients.map((client) =>
          client
            .request({ path, method: 'GET', headers, signal })
            .then(async (response) => {
              await response.body.dump()
              return 1
            })
            // A server without the path still opened the connection; one that failed is
            // reconnected by the run's first request on it.
            .catch(() => 0),
        ),
      )
      this.free.push(...clients)
      opened += answered.reduce((a: number, b) => a + b, 0)
    }
    return opened
  }

  // The overloads of Dispatcher's close/destroy, served by the promise forms.
  override close(callback: () => void): void
  override close(): Promise<void>
  override close(callback?: () => void): Promise<void> | void {
    this.closed = true
    const done = this.closeInBatches()
    if (callback === undefined) return done
    void done.then(callback)
  }

  private async closeInBatches(): Promise<void> {
    for (let i = 0; i < this.clients.length; i += CLOSE_BATCH) {
      await Promise.all(this.clients.slice(i, i + CLOSE_BATCH).map((client) => client.close()))
    }
  }

  override destroy(err: Error | null, callback: () => void): void
  override destroy(callback: () => void): void
  override destroy(err: Error | null): Promise<void>
  override destroy(): Promise<void>
  override destroy(errOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const err = typeof errOrCallback === 'function' ? null : (errOrCallback ?? null)
    const done = Promise.all(this.clients.map((client) => client.destroy(err))).then(() => {})
    const cb = typeof errOrCallback === 'function' ? errOrCallback : callback
    if (cb === undefined) return done
    void done.then(cb)
  }

  get isClosed(): boolean {
    return this.closed
  }
}

/** Forwards undici's callbacks to the request's handler and frees the connection when the response is over. */
class Returning implements Dispatcher.DispatchHandler {
  private returned = false

  constructor(
    private readonly handler: Dispatcher.DispatchHandler,
    private readonly client: Client,
    private readonly free: Client[],
  ) {}

  private giveBack(): void {
    if (this.returned) return
    this.returned = true
    this.free.push(this.client)
  }

  onConnect(abort: (error?: Error) => void, context?: object): void {
    // undici passes a context object as a second argument; the types omit it.
    ;(
      this.handler.onConnect as ((abort: (error?: Error) => void, context?: object) => void) | undefined
    )?.call(this.handler, abort, context)
  }
  onResponseStarted(): void {
    this.handler.onResponseStarted?.()
  }
  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    return this.handler.onHeaders?.(statusCode, headers, resume, statusText) ?? true
  }
  onData(chunk: Buffer): boolean {
    return this.handler.onData?.(chunk) ?? true
  }
  onComplete(trailers: string[] | null): void {
    this.giveBack()
    this.handler.onComplete?.(trailers)
  }
  onError(error: Error): void {
    this.giveBack()
    this.handler.onError?.(error)
  }
  onUpgrade(
    statusCode: number,
    headers: Buffer[] | string[] | null,
    socket: import('node:stream').Duplex,
  ): void {
    this.handler.onUpgrade?.(statusCode, headers, socket)
  }
}

/**
 * The connection set of one target: `connections` = the workload's concurrency. The connect
 * timeout covers TCP and TLS setup; the header and body timeouts are also set per request.
 */
export function createTargetPool(target: Target, connections: number, timeouts: Timeouts): ConnectionSet {
  const set = new ConnectionSet(new URL(target.baseUrl).origin, Math.max(1, Math.floor(connections)), {
    pipelining: 1,
    connect: { timeout: timerMs(timeouts.connectMs) },
    headersTimeout: timerMs(timeouts.firstByteMs),
    bodyTimeout: timerMs(timeouts.idleMs),
  })
  if (!target.keepalive) closingPools.add(set)
  return set
}
