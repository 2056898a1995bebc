// The closed-loop executor: `concurrency` workers, each sending its next request when its
// last one has ended, until the run stops or the request count is reached.
import type { RunState } from './run-state.js'

export async function runClosedLoop(state: RunState): Promise<void> {
  const maxRequests = state.plan.workload.requests ?? Number.POSITIVE_INFINITY
  let requestId = 0
  const worker = async () => {
    while (!state.isStopped() && requestId < maxRequests) {
      // A session (issue 16) is one iteration: its turns follow each other on this worker.
      let spec = state.specFor(requestId++, null)
      if (spec === null) return // the prompt source is spent
      while (spec !== null) {
        state.counts.sent++
        const next = state.settle(spec, await state.send(spec, state.ctx))
        spec = next === null ? null : await state.nextTurn(next, false)
      }
    }
  }
  // Workers are awaited here and also tracked, so the end-of-run grace waits for them.
  await Promise.all(Array.from({ length: state.plan.workload.concurrency }, () => state.track(worker())))
}
