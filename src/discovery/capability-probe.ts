// What the server under test supports, found with a few tiny streaming requests before the
// load (project issue 5). Not on the hot path, so the SSE reading here is deliberately small.
//
// Requests, each max_tokens 8 with a prompt that invites a one-word answer:
//   A. stream_options.include_usage + ignore_eos: usage chunk → includeUsage; 8 tokens →
//      ignoreEos (the model would otherwise stop after "OK"); also reasoningField and
//      roleOnlyFirstChunk.
//   B. include_usage + min_tokens 8: 8 tokens → minTokens. One request with both fields
//      could not tell which one the server honoured, so B is always sent (it costs 8 tokens).
//   C. GET <baseUrl>/models on the same connection: no new connection → keepAlive.
// A 400/422 that blames a field is retried without it, and that capability is false.
// Limits: a reasoning model spends 8 tokens thinking whatever we ask, and a chatty model may
// write 8 tokens anyway, so "8 tokens" is evidence, not proof (a note says so).

import type { Dispatcher } from 'undici'
import { Client } from '../client/undici.js'
import { headerSecrets } from '../http/credentials.js'
import { httpErrorBodyMessage } from '../http/error-message.js'
import { maskSecretsInText, maskUrl } from '../http/mask.js'
import type { ApiKind, ServerCapabilities } from '../types.js'
import { describeNetworkError } from './http-get.js'
import { asRecord, ProbeStreamStats, type StreamStats } from './probe-stream-stats.js'

const probeTokens = 8
const probePrompt = 'Reply with the single word OK.'
/** Lets a server's close of a finished connection reach us before the next request is sent. */
const settleMs = 30

export interface ProbeArgs {
  /** Dispatcher the run will use (its connect options, TLS...); null → a fresh undici Client. */
  dispatcherOrNull?: Dispatcher | null
  /** OpenAI-compatible prefix including /v1. */
  baseUrl: string
  /** Request headers, authorization included. */
  headers: Record<string, string>
  model: string
  api: ApiKind
  /** Budget of each probe request. */
  timeoutMs: number
}

export interface ProbeResult {
  capabilities: ServerCapabilities
  /** What was rejected, retried or could not be told; secrets masked. */
  notes: string[]
  /**
   * The HTTP status that refused the first probe request (404: no such endpoint or model);
   * absent when it streamed or failed without a status.
   */
  rejectedStatus?: number
  /** POST <url> of the probe's stream requests, secrets masked. */
  endpoint?: string
}

/** What a failed probe reports: assume nothing optional works. */
export const conservativeCapabilities: ServerCapabilities = {
  includeUsage: false,
  ignoreEos: false,
  minTokens: false,
  reasoningField: null,
  roleOnlyFirstChunk: false,
  keepAlive: false,
}

type TestedField = 'ignore_eos' | 'min_tokens'

type StreamOutcome =
  | { kind: 'stream'; stats: StreamStats }
  /** The server said no: an HTTP error, or an error event before any token. */
  | { kind: 'rejected'; status: number | null; message: string; connectionClose: boolean }
  | { kind: 'failed'; message: string }

function errorCode(error: unknown): string | undefined {
  const record = asRecord(error)
  if (record === null) return undefined
  return typeof record.code === 'string' ? record.code : errorCode(record.cause)
}

/** A kept-alive connection the server closed just as we reused it: safe to send again once. */
function isStaleConnection(error: unknown): boolean {
  const code = errorCode(error)
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE'
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Probes the server with a few 8-token streaming requests. Never throws for server
 * misbehaviour: whatever cannot be established is reported as false/null with a note.
 */
export async function probeCapabilities(args: ProbeArgs): Promise<ProbeResult> {
  const notes: string[] = []
  const secrets = headerSecrets(args.headers)
  const mask = (text: string): string => maskSecretsInText(text, secrets)
  let base: URL
  try {
    base = new URL(args.baseUrl)
  } catch {
    return {
      capabilities: { ...conservativeCapabilities },
      notes: [mask(`Probe skipped: bad base URL ${args.baseUrl}`)],
    }
  }
  const origin = base.origin
  const prefix = base.pathname.replace(/\/+$/, '')
  const ownClient = args.dispatcherOrNull
    ? null
    : new Client(origin, { pipelining: 1, connect: { timeout: args.timeoutMs } })
  const dispatcher: Dispatcher = args.dispatcherOrNull ?? (ownClient as Client)
  let connects = 0
  let disconnects = 0
  const onConnect = (): void => {
    connects += 1
  }
  const onDisconnect = (): void => {
    disconnects += 1
  }
  dispatcher.on('connect', onConnect)
  dispatcher.on('disconnect', onDisconnect)
  const streamPath = `${prefix}/${args.api === 'chat' ? 'chat/completions' : 'completions'}`
  const where = `POST ${maskUrl(`${origin}${streamPath}`, secrets)}`

  async function sendStream(body: Record<string, unknown>, retried = false): Promise<StreamOutcome> {
    let response: Dispatcher.ResponseData
    try {
      response = await dispatcher.request({
        origin,
        path: streamPath,
        method: 'POST',
        headers: { ...args.headers, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify(body),
        headersTimeout: args.timeoutMs,
        bodyTimeout: args.timeoutMs,
        signal: AbortSignal.timeout(args.timeoutMs),
      })
    } catch (error) {
      if (!retried && isStaleConnection(error)) {
        notes.push('The server closed a kept-alive connection as it was reused; sent the request again')
        return sendStream(body, true)
      }
      return { kind: 'failed', message: mask(`${where}: ${describeNetworkError(error, args.timeoutMs)}`) }
    }
    const connectionClose = /\bclose\b/i.test(String(response.headers.connection ?? ''))
    const contentType = String(response.headers['content-type'] ?? '')
    try {
      if (
        response.statusCode < 200 ||
        response.statusCode >= 300 ||
        !contentType.includes('text/event-stream')
      ) {
        const text = await response.body.text()
        if (response.statusCode >= 200 && response.statusCode < 300) {
          return {
            kind: 'failed',
            message: mask(`${where}: HTTP ${response.statusCode} but not a stream (${contentType})`),
          }
        }
        return {
          kind: 'rejected',
          status: response.statusCode,
          message: mask(text.trim() === '' ? '' : httpErrorBodyMessage(text)),
          connectionClose,
        }
      }
      const reader = new ProbeStreamStats(connectionClose)
      for await (const chunk of response.body) reader.push(chunk as Buffer)
      reader.push(null)
      if (reader.errorMessage !== null && reader.stats.tokenChunks === 0) {
        return {
          kind: 'rejected',
          status: reader.errorStatus,
          message: mask(reader.errorMessage),
          connectionClose,
        }
      }
      return { kind: 'stream', stats: reader.stats }
    } catch (error) {
      response.body.destroy()
      return { kind: 'failed', message: mask(`${where}: ${describeNetworkError(error, args.timeoutMs)}`) }
    }
  }

  function requestBody(fields: { tested: TestedField | null; usage: boolean }): Record<string, unknown> {
    const body: Record<string, unknown> =
      args.api === 'chat'
        ? { model: args.model, messages: [{ role: 'user', content: probePrompt }] }
        : { model: args.model, prompt: probePrompt }
    Object.assign(body, { max_tokens: probeTokens, temperature: 0, stream: true })
    if (fields.usage) body.stream_options = { include_usage: true }
    if (fields.tested === 'ignore_eos') body.ignore_eos = true
    if (fields.tested === 'min_tokens') body.min_tokens = probeTokens
    return body
  }

  /** One probe stream; a 400/422 blaming a field is retried without it (that field then counts as unsupported). */
  async function probe(
    tested: TestedField,
    usageWanted: boolean,
  ): Promise<{ outcome: StreamOutcome; testedSent: boolean; usageSent: boolean }> {
    let testedSent = true
    let usageSent = usageWanted
    for (;;) {
      const outcome = await sendStream(requestBody({ tested: testedSent ? tested : null, usage: usageSent }))
      if (outcome.kind !== 'rejected') return { outcome, testedSent, usageSent }
      const blamesUsage = /stream_options|include_usage/i.test(outcome.message)
      const blamesTested = outcome.message.includes(tested)
      const isParamError = outcome.status === 400 || outcome.status === 422 || blamesUsage || blamesTested
      const status = outcome.status === null ? 'an error event' : `HTTP ${outcome.status}`
      if (isParamError && usageSent && (blamesUsage || !testedSent)) {
        usageSent = false
        notes.push(
          `The server rejected stream_options.include_usage (${status}: ${outcome.message}); retried without it`,
        )
      } else if (isParamError && testedSent) {
        testedSent = false
        notes.push(`The server rejected ${tested} (${status}: ${outcome.message}); retried without it`)
      } else {
        return { outcome, testedSent, usageSent }
      }
    }
  }

  const capabilities: ServerCapabilities = { ...conservativeCapabilities }
  try {
    const first = await probe('ignore_eos', true)
    if (first.outcome.kind !== 'stream') {
      notes.push(`Probe failed, assuming no optional features: ${describeOutcome(first.outcome, where)}`)
      const status = first.outcome.kind === 'rejected' ? first.outcome.status : null
      return { capabilities, notes, endpoint: where, ...(status === null ? {} : { rejectedStatus: status }) }
    }
    const a = first.outcome.stats
    const tokensOf = (stats: StreamStats): number => stats.usageCompletionTokens ?? stats.tokenChunks
    capabilities.includeUsage = first.usageSent && a.usageCompletionTokens !== null
    capabilities.ignoreEos = first.testedSent && tokensOf(a) === probeTokens
    capabilities.reasoningField = a.reasoningField
    capabilities.roleOnlyFirstChunk = args.api === 'chat' && a.roleOnlyFirstChunk
    let sawClose = a.connectionClose

    await sleep(settleMs)
    const second = await probe('min_tokens', first.usageSent)
    if (second.outcome.kind === 'stream') {
      const b = second.outcome.stats
      capabilities.minTokens = second.testedSent && tokensOf(b) === probeTokens
      capabilities.reasoningField ??= b.reasoningField
      sawClose ||= b.connectionClose
    } else {
      notes.push(`min_tokens not probed: ${describeOutcome(second.outcome, where)}`)
      if (second.outcome.kind === 'rejected') sawClose ||= second.outcome.connectionClose
    }
    if (capabilities.reasoningField !== null && (capabilities.ignoreEos || capabilities.minTokens)) {
      notes.push(
        'The model streams reasoning, so 8 tokens do not prove that ignore_eos/min_tokens are honoured',
      )
    }
    if (!first.usageSent || !capabilities.includeUsage) {
      notes.push('No usage chunk: output tokens will be counted by tokenizer or chunks')
    }

    await sleep(settleMs)
    capabilities.keepAlive = !sawClose && disconnects === 0 && (await reusesConnection())
    if (!capabilities.keepAlive)
      notes.push('The server closes connections after a streamed response (keepAlive false)')
    return { capabilities, notes }
  } finally {
    dispatcher.off('connect', onConnect)
    dispatcher.off('disconnect', onDisconnect)
    if (ownClient !== null) await ownClient.destroy()
  }

  /** C: a tiny GET after the streams; a new connection (or a close) means no keep-alive. */
  async function reusesConnection(): Promise<boolean> {
    const connectsBefore = connects
    try {
      const response = await dispatcher.request({
        origin,
        path: `${prefix}/models`,
        method: 'GET',
        headers: args.headers,
        headersTimeout: args.timeoutMs,
        bodyTimeout: args.timeoutMs,
        signal: AbortSignal.timeout(args.timeoutMs),
      })
      await response.body.dump()
    } catch (error) {
      notes.push(
        mask(
          `Keep-alive check failed: GET ${origin}${prefix}/models: ${describeNetworkError(error, args.timeoutMs)}`,
        ),
      )
      return false
    }
    return connects === connectsBefore && disconnects === 0
  }
}

function describeOutcome(outcome: Exclude<StreamOutcome, { kind: 'stream' }>, where: string): string {
  if (outcome.kind === 'failed') return outcome.message
  const status = outcome.status === null ? 'error event' : `HTTP ${outcome.status}`
  return outcome.message === '' ? `${where}: ${status}` : `${where}: ${status}: ${outcome.message}`
}
