// Builds what run/ hands the client, for tests: a real undici Pool to a test server.
import type { Dispatcher } from 'undici'
import { createTargetPool } from '../../src/client/pool.js'
import type { ClientContext, RequestSpec } from '../../src/client/send-request.js'
import type { Target, Timeouts } from '../../src/types.js'

export const GENEROUS_TIMEOUTS: Timeouts = { connectMs: 2000, firstByteMs: 2000, idleMs: 2000, totalMs: 5000 }

export interface TestContext extends ClientContext {
  close(): Promise<void>
}

export function testContext(
  baseUrl: string,
  options: {
    timeouts?: Partial<Timeouts>
    keepalive?: boolean
    countTokens?: ((text: string) => number) | null
    signal?: AbortSignal
    headers?: Record<string, string>
    connections?: number
  } = {},
): TestContext {
  const timeouts = { ...GENEROUS_TIMEOUTS, ...options.timeouts }
  const target: Target = {
    name: 'test',
    description: '',
    kind: 'openai',
    baseUrl,
    headers: {},
    keepalive: options.keepalive ?? true,
  }
  const pool: Dispatcher = createTargetPool(target, options.connections ?? 4, timeouts)
  return {
    dispatcher: pool,
    baseUrl,
    headers: options.headers ?? { authorization: 'Bearer sk-test-secret-key-123456' },
    timeouts,
    runStartMs: performance.now(),
    runStartEpochMs: Date.now(),
    countTokens: options.countTokens ?? null,
    signal: options.signal ?? new AbortController().signal,
    close: () => pool.destroy(),
  }
}

export function chatSpec(overrides: Partial<RequestSpec> = {}): RequestSpec {
  return {
    requestId: 7,
    model: 'test-model',
    prompt: { text: 'Say hi', category: 'general' },
    api: 'chat',
    maxTokens: 16,
    temperature: 0,
    ignoreEos: false,
    includeUsage: true,
    scheduledAtMs: null,
    ...overrides,
  }
}
