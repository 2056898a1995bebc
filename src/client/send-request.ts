// The client of one run: it owns the route (origin, paths, headers), the secrets to mask
// in error messages and the set of requests in flight, and sends one streamed request →
// one RequestRecord that never throws. See the MEASUREMENT CONTRACT in ARCHITECTURE.md.
import { headerSecrets, urlSecrets } from '../http/credentials.js'
import type { RequestRecord } from '../types.js'
import type { ClientContext, RequestSpec } from './request-spec.js'
import { SlotSet } from './slot-set.js'
import { StreamedRequest } from './streamed-request.js'

export {
  type AnsweredRecord,
  buildRequestBody,
  type ClientContext,
  type RequestSpec,
  type SourceRecordFields,
} from './request-spec.js'

/** Where requests go and what they carry, derived once per client. */
export interface Route {
  origin: string
  chatPath: string
  completionsPath: string
  headers: Record<string, string>
  /** Values to mask in error messages: credential headers and the base URL's userinfo / key params. */
  secrets: string[]
}

export interface RunClient {
  readonly ctx: ClientContext
  readonly route: Route
  /** Requests sent and not yet settled: aborting ctx.signal ends each as 'aborted'. */
  readonly inFlight: SlotSet<StreamedRequest>
  /**
   * Sends one streamed request and resolves with its record; it never rejects. Outcomes:
   * non-2xx → http_error; 2xx that is not text/event-stream, an error event or payload, an
   * invalid JSON payload, or an end without `[DONE]` and without finish_reason → stream_error;
   * socket errors → network_error; connect / first_byte / idle / total → timeout;
   * ctx.signal → aborted. Each failure carries its `error_code`. A reused keep-alive socket
   * that closes before any response byte is retried once (retries = 1), and the record then
   * measures that attempt.
   */
  send(spec: RequestSpec): Promise<RequestRecord>
}

export function createClient(ctx: ClientContext): RunClient {
  const url = new URL(ctx.baseUrl)
  const prefix = url.pathname.replace(/\/+$/, '')
  const headers: Record<string, string> = { ...ctx.headers }
  const names = Object.keys(headers).map((name) => name.toLowerCase())
  if (!names.includes('content-type')) headers['content-type'] = 'application/json'
  const route: Route = {
    origin: url.origin,
    chatPath: `${prefix}/chat/completions`,
    completionsPath: `${prefix}/completions`,
    headers,
    // A server may echo any credential header (x-auth-token, cookie) in its error body.
    secrets: [...headerSecrets(ctx.headers), ...urlSecrets(ctx.baseUrl)],
  }
  const inFlight = new SlotSet<StreamedRequest>()
  // One listener for the whole run, not one per request.
  ctx.signal.addEventListener(
    'abort',
    () => {
      for (const request of inFlight.values()) request.abortByUser(ctx.signal.reason)
    },
    { once: true },
  )
  const client: RunClient = {
    ctx,
    route,
    inFlight,
    send: (spec) =>
      new Promise<RequestRecord>((resolve) => {
        const request = new StreamedRequest(spec, client, resolve)
        try {
          request.start()
        } catch (error) {
          request.failUnexpected(error)
        }
      }),
  }
  return client
}

// Callers that hold only a context (the run loop, worker threads) get one client per context.
const clients = new WeakMap<ClientContext, RunClient>()

/** `createClient(ctx).send(spec)`, with the client made once per context. */
export function sendRequest(spec: RequestSpec, ctx: ClientContext): Promise<RequestRecord> {
  let client = clients.get(ctx)
  if (client === undefined) {
    client = createClient(ctx)
    clients.set(ctx, client)
  }
  return client.send(spec)
}
