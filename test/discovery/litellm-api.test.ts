import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, test } from 'node:test'
import { discoverLitellmModels } from '../../src/discovery/litellm-api.js'
import { TargetError } from '../../src/errors.js'
import type { Target } from '../../src/types.js'
import { fixture, type RouteServer, startRouteServer } from '../support/route-server.js'

const key = 'sk-test-0123456789abcdWXYZ'
const timeoutMs = 2000

function proxyTarget(baseUrl: string, apiKey: string | null = key): Target {
  return {
    name: 'proxy',
    description: '',
    kind: 'litellm',
    baseUrl,
    headers: {},
    keepalive: true,
    ...(apiKey === null ? {} : { apiKey, apiKeyEnv: 'LITELLM_KEY' }),
  }
}

let server: RouteServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

async function rejection(promise: Promise<unknown>): Promise<TargetError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof TargetError, `expected a TargetError, got ${String(error)}`)
    return error
  }
  assert.fail('expected a rejection')
}

describe('discoverLitellmModels via /v1/model/info', () => {
  test('reads the docstring example: one deployment with its id and upstream', async () => {
    server = await startRouteServer({
      '/v1/model/info': { status: 200, body: fixture('model-info-docstring.json') },
    })
    const result = await discoverLitellmModels(proxyTarget(`${server.origin}/v1`), { timeoutMs })
    assert.deepEqual(result, {
      models: [
        {
          name: 'fake-openai-endpoint',
          providerModels: ['openai/fake'],
          apiBases: ['https://exampleopenaiendpoint-production.up.railway.app/'],
          deploymentCount: 1,
          source: 'proxy API',
          modelIds: ['112f74fab24a7a5245d2ced3536dd8f5f9192c57ee6e332af0f0512e08bed5af'],
        },
      ],
      notes: [],
      endpoint: `${server.origin}/v1/model/info`,
    })
    assert.deepEqual(
      server.seen.map((request) => `${request.method} ${request.path}`),
      ['GET /v1/model/info'],
    )
    assert.equal(server.seen[0]?.headers.authorization, `Bearer ${key}`)
  })

  test('derives the root from a base URL without /v1 and sends no key when there is none', async () => {
    server = await startRouteServer({
      '/v1/model/info': { status: 200, body: fixture('model-info-client-test-mock.json') },
    })
    const result = await discoverLitellmModels(proxyTarget(`${server.origin}/`, null), { timeoutMs })
    assert.deepEqual(result.models, [
      {
        name: 'gpt-4',
        providerModels: ['openai/gpt-4'],
        apiBases: ['https://api.openai.com/v1'],
        deploymentCount: 1,
        source: 'proxy API',
        modelIds: ['model-123'],
      },
      {
        name: 'gpt-3.5-turbo',
        providerModels: ['openai/gpt-3.5-turbo'],
        apiBases: [],
        deploymentCount: 1,
        source: 'proxy API',
        modelIds: ['model-456'],
      },
    ])
    assert.equal(server.seen[0]?.path, '/v1/model/info')
    assert.equal(server.seen[0]?.headers.authorization, undefined)
  })

  test('groups deployments, masks upstream credentials, drops wildcards and embeddings', async () => {
    const deployment = (
      name: string,
      model: string,
      apiBase: string | null,
      id: string | number,
      mode?: string,
    ) => ({
      model_name: name,
      litellm_params: apiBase === null ? { model } : { model, api_base: apiBase },
      model_info: mode === undefined ? { id } : { id, mode },
    })
    const body = JSON.stringify({
      data: [
        deployment('qwen', 'hosted_vllm/Qwen/Qwen3-8B', 'http://gpu1:8000/v1', 'a1', 'chat'),
        deployment('openai/*', 'openai/*', null, 'w1'),
        deployment('qwen', 'hosted_vllm/Qwen/Qwen3-8B', 'http://admin:hunter2@gpu2:8000/v1?api_key=zzz', 2),
        deployment('embed', 'openai/text-embedding-3-small', null, 'e1', 'embedding'),
        deployment('qwen', 'openai/Qwen3-8B', 'http://gpu1:8000/v1', 'a3'),
      ],
    })
    const models = JSON.stringify({
      data: [{ id: 'qwen' }, { id: 'openai/gpt-4o' }, { id: 'openai/*' }, { id: 'embed' }],
      object: 'list',
    })
    server = await startRouteServer({
      '/v1/model/info': { status: 200, body },
      '/v1/models': { status: 200, body: models },
    })
    const result = await discoverLitellmModels(proxyTarget(`${server.origin}/v1`), { timeoutMs })
    assert.deepEqual(result.models, [
      {
        name: 'qwen',
        providerModels: ['hosted_vllm/Qwen/Qwen3-8B', 'openai/Qwen3-8B'],
        apiBases: ['http://gpu1:8000/v1', 'http://gpu2:8000/v1?api_key=***'],
        deploymentCount: 3,
        source: 'proxy API',
        modelIds: ['a1', '2', 'a3'],
      },
      // Names behind the wildcard come from /v1/models; `embed` was skipped on purpose, not unknown.
      {
        name: 'openai/gpt-4o',
        providerModels: [],
        apiBases: [],
        deploymentCount: 0,
        source: 'proxy API',
        modelIds: [],
      },
      {
        name: 'embed',
        providerModels: [],
        apiBases: [],
        deploymentCount: 0,
        source: 'proxy API',
        modelIds: [],
      },
    ])
    assert.deepEqual(result.notes, [
      'Skipped wildcard route "openai/*": send a concrete model name instead (e.g. openai/<model>)',
      'Skipped models that do not generate text: embed (embedding)',
      'Added 2 model name(s) that wildcard routes expand to, from /v1/models',
    ])
  })
})

describe('discoverLitellmModels fallback to /v1/models', () => {
  test('falls back on 401 and drops the literal wildcard entry', async () => {
    const listed = JSON.parse(fixture('v1-models-xai-wildcard.json')) as { data: unknown[] }
    // Current proxies also return the literal wildcard name (BerriAI/litellm issue #13752).
    listed.data.push({ id: 'xai/*', object: 'model', created: 1677610602, owned_by: 'openai' })
    server = await startRouteServer({
      '/v1/model/info': { status: 401, body: fixture('error-401-invalid-key.json') },
      '/v1/models': { status: 200, body: JSON.stringify(listed) },
    })
    const result = await discoverLitellmModels(proxyTarget(`${server.origin}/v1`), { timeoutMs })
    assert.deepEqual(
      result.models.map((model) => model.name),
      [
        'xai/grok-2-1212',
        'xai/grok-2-vision-1212',
        'xai/grok-3-beta',
        'xai/grok-3-fast-beta',
        'xai/grok-3-mini-beta',
        'xai/grok-3-mini-fast-beta',
        'xai/grok-beta',
        'xai/grok-vision-beta',
        'xai/grok-2-image-1212',
      ],
    )
    assert.deepEqual(result.models[0], {
      name: 'xai/grok-2-1212',
      providerModels: [],
      apiBases: [],
      deploymentCount: 0,
      source: 'proxy API',
      modelIds: [],
    })
    assert.deepEqual(result.notes, [
      `GET ${server.origin}/v1/model/info: HTTP 401: Invalid API Key. Please check your LiteLLM API key.; listed models from /v1/models (no deployment detail)`,
      'Skipped wildcard route "xai/*": send a concrete model name instead (e.g. openai/<model>)',
    ])
    assert.equal(result.endpoint, `${server.origin}/v1/models`)
    assert.deepEqual(
      server.seen.map((request) => request.path),
      ['/v1/model/info', '/v1/models'],
    )
  })

  test('falls back on 403 route-not-allowed too', async () => {
    server = await startRouteServer({
      '/v1/model/info': { status: 403, body: fixture('error-403-route-not-allowed.json') },
      '/v1/models': { status: 200, body: JSON.stringify({ data: [{ id: 'gpt-4o' }], object: 'list' }) },
    })
    const result = await discoverLitellmModels(proxyTarget(server.origin), { timeoutMs })
    assert.deepEqual(
      result.models.map((model) => model.name),
      ['gpt-4o'],
    )
  })
})

describe('discoverLitellmModels errors', () => {
  test('401 everywhere: TargetError with METHOD URL, status and message, key masked', async () => {
    const echoing = JSON.stringify({
      error: {
        message: `Authentication Error, Invalid proxy server token passed. Received=${key}`,
        type: 'auth_error',
        param: 'None',
        code: '401',
      },
    })
    server = await startRouteServer({
      '/v1/model/info': { status: 401, body: echoing },
      '/v1/models': { status: 401, body: echoing },
    })
    const error = await rejection(discoverLitellmModels(proxyTarget(`${server.origin}/v1`), { timeoutMs }))
    assert.equal(
      error.message,
      `GET ${server.origin}/v1/models: HTTP 401: Authentication Error, Invalid proxy server token passed. Received=sk-…WXYZ`,
    )
    assert.equal(error.message.includes(key), false)
    assert.equal(
      error.hint,
      'The server refused the key from $LITELLM_KEY: check that it is valid and allowed to list models',
    )
  })

  test('reads the int-code enterprise error body', async () => {
    server = await startRouteServer({
      '/v1/model/info': { status: 401, body: fixture('error-401-int-code-enterprise.json') },
      '/v1/models': { status: 401, body: fixture('error-401-int-code-enterprise.json') },
    })
    const error = await rejection(discoverLitellmModels(proxyTarget(`${server.origin}/v1`), { timeoutMs }))
    assert.equal(
      error.message,
      `GET ${server.origin}/v1/models: HTTP 401: Authentication Error, BadRequest please pass param=user in request body. This is a required param`,
    )
  })

  test('a 500 from /v1/model/info is an error, not a fallback', async () => {
    server = await startRouteServer({
      '/v1/model/info': {
        status: 500,
        body: JSON.stringify({ detail: { error: 'LLM Model List not loaded in.' } }),
      },
    })
    const error = await rejection(discoverLitellmModels(proxyTarget(`${server.origin}/v1`), { timeoutMs }))
    assert.equal(error.message, `GET ${server.origin}/v1/model/info: HTTP 500: LLM Model List not loaded in.`)
    assert.deepEqual(
      server.seen.map((request) => request.path),
      ['/v1/model/info'],
    )
  })

  test('an unreachable target is a TargetError naming the URL', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const error = await rejection(
      discoverLitellmModels(proxyTarget(`http://127.0.0.1:${port}/v1`), { timeoutMs }),
    )
    assert.equal(
      error.message,
      `GET http://127.0.0.1:${port}/v1/model/info: connection refused (ECONNREFUSED)`,
    )
  })
})
