import assert from 'node:assert/strict'
import { afterEach, describe, test } from 'node:test'
import { listOpenAiModels } from '../../src/discovery/openai-models.js'
import { TargetError } from '../../src/errors.js'
import type { Target } from '../../src/types.js'
import { type RouteServer, startRouteServer } from '../support/route-server.js'

const timeoutMs = 2000

function serverTarget(baseUrl: string): Target {
  return {
    name: 'vllm',
    description: '',
    kind: 'openai',
    baseUrl,
    headers: { 'x-team': 'bench' },
    keepalive: true,
  }
}

let server: RouteServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

describe('listOpenAiModels', () => {
  test('lists a vLLM server, keeping root as the provider model', async () => {
    const body = JSON.stringify({
      object: 'list',
      data: [
        { id: 'qwen3', object: 'model', owned_by: 'vllm', root: '/models/Qwen3-8B', max_model_len: 32768 },
        { id: 'Qwen/Qwen3-8B', object: 'model', owned_by: 'vllm', root: 'Qwen/Qwen3-8B' },
      ],
    })
    server = await startRouteServer({ '/v1/models': { status: 200, body } })
    const result = await listOpenAiModels(serverTarget(`${server.origin}/v1/`), { timeoutMs })
    assert.deepEqual(result, {
      models: [
        {
          name: 'qwen3',
          providerModels: ['/models/Qwen3-8B'],
          apiBases: [],
          deploymentCount: 1,
          source: 'server',
          modelIds: [],
        },
        {
          name: 'Qwen/Qwen3-8B',
          providerModels: [],
          apiBases: [],
          deploymentCount: 1,
          source: 'server',
          modelIds: [],
        },
      ],
      notes: [],
      endpoint: `${server.origin}/v1/models`,
    })
    assert.equal(server.seen[0]?.headers['x-team'], 'bench')
  })

  test('an Ollama server with no model pulled lists nothing, with a note', async () => {
    server = await startRouteServer({ '/v1/models': { status: 200, body: '{"object":"list","data":null}' } })
    const result = await listOpenAiModels(serverTarget(`${server.origin}/v1`), { timeoutMs })
    assert.deepEqual(result.models, [])
    assert.deepEqual(result.notes, [`GET ${server.origin}/v1/models lists no models`])
  })

  test('a base URL without /v1 gets a 404 and a hint about /v1', async () => {
    server = await startRouteServer({})
    await assert.rejects(listOpenAiModels(serverTarget(server.origin), { timeoutMs }), (error: unknown) => {
      assert.ok(error instanceof TargetError)
      assert.equal(error.message, `GET ${server?.origin}/models: HTTP 404: Not Found: /models`)
      assert.equal(
        error.hint,
        `Check base_url of target "vllm": it should end in /v1 (got ${server?.origin})`,
      )
      return true
    })
  })

  test('a 200 that is not a model list is a TargetError', async () => {
    server = await startRouteServer({ '/v1/models': { status: 200, body: '<html>login</html>' } })
    await assert.rejects(
      listOpenAiModels(serverTarget(`${server.origin}/v1`), { timeoutMs }),
      new RegExp(`^TargetError: GET ${server.origin}/v1/models: HTTP 200 but the body is not a model list$`),
    )
  })
})
