// A process whose only reason to live is the precise clock: `pending` sleeps 50 ms and
// prints when it wakes (the sleeper must keep the process alive); `idle` sleeps 5 ms and
// never closes the clock (its thread must not keep the process alive afterwards).
import { performance } from 'node:perf_hooks'
import { PreciseClock } from '../../../src/run/precise-clock.js'

const clock = new PreciseClock()
const dueMs = performance.now() + (process.argv[2] === 'pending' ? 50 : 5)
await clock.sleepUntil(dueMs)
process.stdout.write(`woke ${performance.now() >= dueMs ? 'on time' : 'early'}\n`)
