// A real HTTP server on 127.0.0.1:0 that answers fixed bodies per path and records every
// request it saw, so tests can assert which endpoints were (and were not) called.

import { readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Route {
  status: number
  body: string
}

export interface SeenRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
}

export interface RouteServer {
  /** http://127.0.0.1:<port> (no trailing slash, no /v1). */
  origin: string
  seen: SeenRequest[]
  close: () => Promise<void>
}

const fixtureDir = new URL('../fixtures/litellm-responses/', import.meta.url)

export function fixture(name: string): string {
  return readFileSync(new URL(name, fixtureDir), 'utf8')
}

/** Unknown paths get 404 with an OpenAI-style error body. */
export async function startRouteServer(routes: Record<string, Route>): Promise<RouteServer> {
  const seen: SeenRequest[] = []
  const server = createServer((req, res) => {
    const path = req.url ?? ''
    seen.push({ method: req.method ?? '', path, headers: req.headers })
    const route = routes[path] ?? {
      status: 404,
      body: JSON.stringify({
        error: { message: `Not Found: ${path}`, type: 'not_found', param: null, code: '404' },
      }),
    }
    res.writeHead(route.status, { 'content-type': 'application/json' })
    res.end(route.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
