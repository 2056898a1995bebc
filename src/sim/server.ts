import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ApiKind, SimOptions } from '../types.js'
import { parseCompletionRequest } from './completion-request.js'
import { sendError, sendJson } from './json-reply.js'
import { meterEngine } from './metrics.js'
import { createModelEngines } from './model-engines.js'
import { resolveSimOptions, type SimOptionsInput } from './options.js'
import { serveCompletion } from './serve-completion.js'

export interface SimServerStats {
  /** Completion requests received (including rejected and faulted ones). */
  received: number
  /** Requests whose answer was generated in full. */
  completed: number
  running: number
  waiting: number
  maxRunningSeen: number
}

export interface SimServer {
  /** Base URL with the /v1 prefix, e.g. http://127.0.0.1:41234/v1. */
  url: string
  port: number
  options: SimOptions
  stats(): SimServerStats
  /** Drops every connection and stops the engine so the process can exit. */
  close(): Promise<void>
}

const COMPLETION_PATHS: Record<string, ApiKind> = {
  '/v1/chat/completions': 'chat',
  '/v1/completions': 'completions',
}

/** Starts the simulated OpenAI-compatible server (one engine per served model). */
export async function startSimServer(
  partialOptions: SimOptionsInput = {},
  listen: { host?: string; port?: number } = {},
): Promise<SimServer> {
  const options = resolveSimOptions(partialOptions)
  const engine = meterEngine(createModelEngines(options), options)
  let received = 0

  function handleCompletion(api: ApiKind, req: IncomingMessage, res: ServerResponse): void {
    const arrivalIndex = received
    received += 1
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (part: string) => {
      raw += part
    })
    req.on('end', () => {
      let body: unknown
      try {
        body = JSON.parse(raw)
      } catch (error) {
        sendError(res, 400, `Invalid JSON body: ${(error as Error).message}`, 'invalid_request_error')
        return
      }
      const parsed = parseCompletionRequest(api, body, options.models[0] ?? 'sim')
      if (!parsed.ok) {
        sendError(res, 400, parsed.message, 'invalid_request_error')
        return
      }
      serveCompletion(
        { options, engine: engine.forModel(parsed.request.model), arrivalIndex },
        parsed.request,
        res,
      )
    })
    // A request body cut off by the client: its 'close' ends the exchange, nothing to answer.
    req.on('error', () => {})
  }

  function route(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://sim').pathname.replace(/\/+$/, '')
    const method = req.method ?? 'GET'
    const api = COMPLETION_PATHS[path]
    if (api !== undefined && method === 'POST') {
      handleCompletion(api, req, res)
      return
    }
    if (path === '/metrics' && method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
      res.end(engine.metricsText())
      return
    }
    if (path === '/health' && method === 'GET') {
      sendJson(res, 200, { status: 'ok' })
      return
    }
    if (path === '/v1/models' && method === 'GET') {
      const created = Math.floor(Date.now() / 1000)
      const data = options.models.map((id) => ({ id, object: 'model', created, owned_by: 'run-bench-sim' }))
      sendJson(res, 200, { object: 'list', data })
      return
    }
    sendError(res, 404, `Not found: ${method} ${path || '/'}`, 'not_found_error')
  }

  const server = createServer(route)
  const host = listen.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(listen.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host

  let closing: Promise<void> | null = null
  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    options,
    stats() {
      const engineStats = engine.stats()
      return {
        received,
        completed: engineStats.completed,
        running: engineStats.running,
        waiting: engineStats.waiting,
        maxRunningSeen: engineStats.maxRunningSeen,
      }
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        engine.stop()
        // close() only stops accepting; streams in flight and idle keep-alive sockets would
        // hold the process open, so they are cut here.
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}
