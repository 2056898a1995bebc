// A small LiteLLM-SHAPED proxy on 127.0.0.1:0 in front of an OpenAI-compatible upstream (the
// built-in simulator in tests). It answers what Run Bench asks a LiteLLM proxy:
//   GET  /health/liveliness, /health/readiness       public, as in LiteLLM
//   GET  /v1/model/info (/model/info)                one entry per deployment (master key only)
//   GET  /v1/models (/models)                        the group names
//   POST /v1/chat/completions, /v1/completions       (also without /v1) forwarded to the upstream
// Completions are streamed through byte for byte (the upstream's response is piped), with the
// headers a real proxy adds: x-litellm-model-id (the deployment) and
// x-litellm-overhead-duration-ms. Every route but /health/* wants `Authorization: Bearer <key>`
// and answers LiteLLM's 401 body otherwise.

import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ProxyGroup {
  /** model_name: what clients send. */
  name: string
  /** The upstream's own model name (litellm_params.model is `openai/<this>`). */
  upstreamModel: string
  /** model_info.id, returned as x-litellm-model-id. */
  id: string
}

export interface LitellmProxyOptions {
  /** Upstream base URL including /v1, e.g. the simulator's url. */
  upstreamUrl: string
  masterKey: string
  groups: ProxyGroup[]
  /** Value of x-litellm-overhead-duration-ms. */
  overheadMs?: string
}

export interface SeenProxyRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
}

export interface LitellmProxy {
  /** http://127.0.0.1:<port> (the proxy root, no /v1). */
  origin: string
  seen: SeenProxyRequest[]
  close(): Promise<void>
}

const unauthorized = JSON.stringify({
  error: {
    message: 'Invalid API Key. Please check your LiteLLM API key.',
    type: 'auth_error',
    param: null,
    code: '401',
  },
})

const completionPaths: Record<string, string> = {
  '/v1/chat/completions': '/chat/completions',
  '/chat/completions': '/chat/completions',
  '/v1/completions': '/completions',
  '/completions': '/completions',
}

export async function startLitellmProxy(options: LitellmProxyOptions): Promise<LitellmProxy> {
  const upstream = new URL(options.upstreamUrl)
  const upstreamPrefix = upstream.pathname.replace(/\/+$/, '')
  const seen: SeenProxyRequest[] = []

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname.replace(/\/+$/, '')
    const method = req.method ?? 'GET'
    seen.push({ method, path, headers: req.headers })
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(typeof body === 'string' ? body : JSON.stringify(body))
    }
    if (method === 'GET' && path === '/health/liveliness') return json(200, '"I\'m alive!"')
    if (method === 'GET' && path === '/health/readiness')
      return json(200, { status: 'healthy', db: 'Not connected' })
    if (req.headers.authorization !== `Bearer ${options.masterKey}`) {
      req.resume()
      return json(401, unauthorized)
    }
    if (method === 'GET' && (path === '/v1/model/info' || path === '/model/info')) {
      return json(200, {
        data: options.groups.map((group) => ({
          model_name: group.name,
          litellm_params: { model: `openai/${group.upstreamModel}`, api_base: options.upstreamUrl },
          model_info: { id: group.id, mode: 'chat', db_model: false },
        })),
      })
    }
    if (method === 'GET' && (path === '/v1/models' || path === '/models')) {
      return json(200, {
        object: 'list',
        data: options.groups.map((group) => ({
          id: group.name,
          object: 'model',
          created: 1677610602,
          owned_by: 'openai',
        })),
      })
    }
    const upstreamPath = completionPaths[path]
    if (method !== 'POST' || upstreamPath === undefined) {
      req.resume()
      return json(404, {
        error: { message: `Not Found: ${path}`, type: 'not_found', param: null, code: '404' },
      })
    }
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      let body: Record<string, unknown>
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
      } catch {
        return json(400, { error: { message: 'Invalid JSON', type: 'invalid_request_error', code: '400' } })
      }
      const group = options.groups.find((candidate) => candidate.name === body.model)
      if (group === undefined) {
        return json(400, {
          error: {
            message: `Invalid model name passed in model=${String(body.model)}`,
            type: 'invalid_request_error',
            param: null,
            code: '400',
          },
        })
      }
      const forwarded = Buffer.from(JSON.stringify({ ...body, model: group.upstreamModel }))
      const upstreamRequest = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: 'POST',
          path: `${upstreamPrefix}${upstreamPath}`,
          headers: {
            'content-type': 'application/json',
            'content-length': forwarded.length,
            accept: req.headers.accept ?? '*/*',
          },
        },
        (upstreamResponse) => {
          const headers: Record<string, string | string[]> = {}
          for (const [name, value] of Object.entries(upstreamResponse.headers)) {
            // Hop-by-hop headers belong to the upstream connection, not to ours.
            if (value === undefined || ['connection', 'keep-alive', 'transfer-encoding'].includes(name))
              continue
            headers[name] = value
          }
          headers['x-litellm-model-id'] = group.id
          headers['x-litellm-overhead-duration-ms'] = options.overheadMs ?? '1.5'
          res.writeHead(upstreamResponse.statusCode ?? 502, headers)
          upstreamResponse.pipe(res)
        },
      )
      upstreamRequest.on('error', (error) => {
        if (res.headersSent) res.destroy()
        else json(502, { error: { message: `upstream: ${error.message}`, type: 'api_error', code: '502' } })
      })
      // A client that goes away takes the upstream request with it.
      res.on('close', () => upstreamRequest.destroy())
      upstreamRequest.end(forwarded)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
