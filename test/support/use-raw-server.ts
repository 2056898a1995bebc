// One raw server plus a client context pointed at it, closed by the test that opened them.

import { beforeEach, type TestContext as NodeTestContext } from 'node:test'
import { type TestContext, testContext } from './client-context.js'
import { type RawHandler, type RawServer, startRawServer } from './raw-server.js'

export interface ServedContext extends TestContext {
  server: RawServer
}

export type ContextOptions = Parameters<typeof testContext>[1]

/** A raw server answering with `handler` and a client context for it; both closed by `t.after`. */
export async function useRawServer(
  t: Pick<NodeTestContext, 'after'>,
  handler: RawHandler,
  options: ContextOptions = {},
): Promise<ServedContext> {
  const server = await startRawServer(handler)
  const context = testContext(server.baseUrl, options)
  t.after(async () => {
    await context.close()
    await server.close()
  })
  return Object.assign(context, { server })
}

/**
 * `serve(handler)` for a file whose tests do not pass their test context along: a
 * beforeEach hands each test's context to useRawServer, so the server closes after that
 * test. `onServe` sees each server (files keep it for assertions on what it received).
 */
export function serveInEachTest(
  onServe: (served: ServedContext) => void = () => {},
): (handler: RawHandler, options?: ContextOptions) => Promise<ServedContext> {
  let current: NodeTestContext | undefined
  // A beforeEach inside a test file's suite always gets a test's context.
  beforeEach((t) => {
    current = t as NodeTestContext
  })
  return async (handler, options = {}) => {
    if (current === undefined) throw new Error('serve() runs inside a test')
    const served = await useRawServer(current, handler, options)
    onServe(served)
    return served
  }
}
