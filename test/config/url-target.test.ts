import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { LoadedConfig } from '../../src/config/load-config.js'
import { urlTargetName, withUrlTarget } from '../../src/config/url-target.js'
import { baseUrlWithV1 } from '../../src/run/probe-target.js'
import type { Target } from '../../src/types.js'

const vllm: Target = {
  name: 'vllm',
  description: '',
  kind: 'openai',
  baseUrl: 'http://gpu:8000/v1',
  headers: {},
  keepalive: true,
  apiKeyEnv: 'VLLM_KEY',
}
const sim: Target = { name: 'sim', description: '', kind: 'sim', baseUrl: '', headers: {}, keepalive: true }
const config: LoadedConfig = {
  configDir: '/c',
  targets: [sim, vllm],
  models: [],
  workloads: [],
  defaultWorkload: 'w',
  files: [],
}

describe('targets given by URL', () => {
  test('a URL target is named host:port (host alone without a port)', () => {
    assert.equal(urlTargetName('http://127.0.0.1:8000/v1'), '127.0.0.1:8000')
    assert.equal(urlTargetName('https://api.example.test/v1'), 'api.example.test')
  })

  test('--target URL adds an openai target and chooses it; applying twice changes nothing', () => {
    const once = withUrlTarget(config, { choice: { target: 'http://127.0.0.1:9000/v1/' }, sources: {} })
    assert.deepEqual(once.adHoc, {
      name: '127.0.0.1:9000',
      description: 'ad-hoc target from --target',
      kind: 'openai',
      baseUrl: 'http://127.0.0.1:9000/v1',
      headers: {},
      keepalive: true,
    })
    assert.equal(once.settled.choice.target, '127.0.0.1:9000')
    const twice = withUrlTarget(once.config, once.settled)
    assert.equal(twice.config, once.config)
    assert.equal(twice.adHoc, null)
  })

  test('--base-url with a named target replaces its base_url; --api-key replaces its api_key_env', () => {
    const applied = withUrlTarget(config, {
      choice: { target: 'vllm', baseUrl: 'http://other:8001/v1', apiKey: 'sk-flag' },
      sources: { target: '--target', baseUrl: '--base-url', apiKey: '--api-key' },
    })
    assert.equal(applied.adHoc, null)
    const target = applied.config.targets.find((t) => t.name === 'vllm')
    assert.equal(target?.baseUrl, 'http://other:8001/v1')
    assert.equal(target?.apiKey, 'sk-flag')
    assert.equal(target?.apiKeyEnv, undefined)
    assert.deepEqual(applied.settled, { choice: { target: 'vllm' }, sources: { target: '--target' } })
  })

  test('did you mean …/v1: added where the path lacks it, never twice', () => {
    assert.equal(baseUrlWithV1('http://127.0.0.1:8000'), 'http://127.0.0.1:8000/v1')
    assert.equal(baseUrlWithV1('http://127.0.0.1:8000/'), 'http://127.0.0.1:8000/v1')
    assert.equal(baseUrlWithV1('http://h/openai'), 'http://h/openai/v1')
    assert.equal(baseUrlWithV1('http://h:1/v1/'), null)
  })
})
