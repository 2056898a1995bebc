import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { DiscoveredModel } from '../../src/discovery/discovered-model.js'
import { mergeModels } from '../../src/discovery/merge-models.js'
import type { Model } from '../../src/types.js'

const alias = (name: string, fullName: string, description = ''): Model => ({
  name,
  fullName,
  description,
  source: 'models.yaml',
})

const found = (name: string, providerModels: string[], deploymentCount: number): DiscoveredModel => ({
  name,
  providerModels,
  apiBases: [],
  deploymentCount,
  source: 'proxy API',
  modelIds: [],
})

describe('mergeModels', () => {
  test('configured first, then discovered in server order, then config-file-only groups', () => {
    const merged = mergeModels(
      [alias('coder', 'qwen3-coder-30b', 'My coder'), alias('small', 'llama-3.2-1b')],
      [
        found('gpt-oss', ['hosted_vllm/openai/gpt-oss-20b'], 2),
        found('qwen3-coder-30b', ['openai/Qwen3-Coder'], 1),
      ],
      [
        {
          modelName: 'gpt-oss',
          providerModel: 'hosted_vllm/openai/gpt-oss-20b',
          apiBase: null,
          isWildcard: false,
        },
        { modelName: 'openai/*', providerModel: 'openai/*', apiBase: null, isWildcard: true },
        {
          modelName: 'bge',
          providerModel: 'hosted_vllm/BAAI/bge-m3',
          apiBase: 'http://e:8000/v1',
          isWildcard: false,
        },
        { modelName: 'bge', providerModel: 'openai/bge-m3', apiBase: null, isWildcard: false },
      ],
    )
    assert.deepEqual(merged, [
      { name: 'coder', fullName: 'qwen3-coder-30b', description: 'My coder', source: 'models.yaml' },
      { name: 'small', fullName: 'llama-3.2-1b', description: '', source: 'models.yaml' },
      {
        name: 'gpt-oss',
        fullName: 'gpt-oss',
        description: 'hosted_vllm/openai/gpt-oss-20b (2 deployments)',
        source: 'proxy API',
      },
      {
        name: 'bge',
        fullName: 'bge',
        description: 'hosted_vllm/BAAI/bge-m3, openai/bge-m3 (2 deployments)',
        source: 'config file',
      },
    ])
  })

  test('an alias without a description takes the discovered one', () => {
    const merged = mergeModels([alias('q', 'qwen')], [found('qwen', ['openai/qwen'], 1)], [])
    assert.deepEqual(merged, [
      { name: 'q', fullName: 'qwen', description: 'openai/qwen (1 deployment)', source: 'models.yaml' },
    ])
  })

  test('a /v1/models group without detail borrows it from the config file', () => {
    const merged = mergeModels(
      [],
      [found('qwen', [], 0), found('other', [], 0)],
      [
        { modelName: 'qwen', providerModel: 'hosted_vllm/Qwen/Qwen3-8B', apiBase: null, isWildcard: false },
        {
          modelName: 'qwen',
          providerModel: 'hosted_vllm/Qwen/Qwen3-8B',
          apiBase: 'http://b',
          isWildcard: false,
        },
      ],
    )
    assert.deepEqual(merged, [
      {
        name: 'qwen',
        fullName: 'qwen',
        description: 'hosted_vllm/Qwen/Qwen3-8B (2 deployments)',
        source: 'proxy API',
      },
      { name: 'other', fullName: 'other', description: '', source: 'proxy API' },
    ])
  })

  test('a server group named like an alias is shadowed by the alias', () => {
    const merged = mergeModels(
      [alias('qwen', 'Qwen/Qwen3-8B')],
      [
        { ...found('qwen', [], 1), source: 'server' },
        { ...found('Qwen/Qwen3-8B', [], 1), source: 'server' },
      ],
      [],
    )
    assert.deepEqual(merged, [
      { name: 'qwen', fullName: 'Qwen/Qwen3-8B', description: '1 deployment', source: 'models.yaml' },
    ])
  })
})
