import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, test } from 'node:test'
import { checkLiveness } from '../../src/discovery/liveness.js'
import type { Target, TargetKind } from '../../src/types.js'
import { fixture, type RouteServer, startRouteServer } from '../support/route-server.js'

const timeoutMs = 2000
const key = 'sk-live-0123456789abcdefgh'

function target(kind: TargetKind, baseUrl: string): Target {
  return { name: 't', description: '', kind, baseUrl, headers: {}, keepalive: true, apiKey: key }
}

let server: RouteServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

const paths = (routeServer: RouteServer): string[] => routeServer.seen.map((request) => request.path)

describe('checkLiveness for LiteLLM', () => {
  test('asks /health/liveliness only when it answers', async () => {
    server = await startRouteServer({
      '/health/liveliness': { status: 200, body: '"I\'m alive!"' },
      '/health': { status: 200, body: '{}' },
    })
    const result = await checkLiveness(target('litellm', `${server.origin}/v1`), { timeoutMs })
    assert.deepEqual(result, { ok: true, endpoint: `${server.origin}/health/liveliness`, status: 200 })
    assert.deepEqual(paths(server), ['/health/liveliness'])
  })

  test('falls back to /health/readiness and never calls /health', async () => {
    server = await startRouteServer({
      '/health/readiness': { status: 200, body: fixture('health-readiness-doc.json') },
      '/health': { status: 200, body: '{}' },
    })
    const result = await checkLiveness(target('litellm', server.origin), { timeoutMs })
    assert.deepEqual(result, { ok: true, endpoint: `${server.origin}/health/readiness`, status: 200 })
    assert.deepEqual(paths(server), ['/health/liveliness', '/health/readiness'])
  })

  test('reports the readiness failure when both fail, still without /health', async () => {
    server = await startRouteServer({
      '/health/liveliness': { status: 503, body: '"Service Unhealthy (db down)"' },
      '/health/readiness': { status: 503, body: '"Service Unhealthy (db down)"' },
    })
    const result = await checkLiveness(target('litellm', `${server.origin}/v1`), { timeoutMs })
    assert.deepEqual(result, {
      ok: false,
      endpoint: `${server.origin}/health/readiness`,
      status: 503,
      error: `GET ${server.origin}/health/readiness: HTTP 503: Service Unhealthy (db down)`,
    })
    assert.equal(
      server.seen.some((request) => request.path === '/health'),
      false,
    )
  })
})

describe('checkLiveness for plain servers', () => {
  test('asks <baseUrl>/models with the key', async () => {
    server = await startRouteServer({ '/v1/models': { status: 200, body: '{"data":[]}' } })
    const result = await checkLiveness(target('openai', `${server.origin}/v1`), { timeoutMs })
    assert.deepEqual(result, { ok: true, endpoint: `${server.origin}/v1/models`, status: 200 })
    assert.equal(server.seen[0]?.headers.authorization, `Bearer ${key}`)
  })

  test('an unreachable server is not ok, with status null and the reason', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const result = await checkLiveness(target('litellm', `http://127.0.0.1:${port}`), { timeoutMs })
    assert.deepEqual(result, {
      ok: false,
      endpoint: `http://127.0.0.1:${port}/health/liveliness`,
      status: null,
      error: `GET http://127.0.0.1:${port}/health/liveliness: connection refused (ECONNREFUSED)`,
    })
  })
})
