// The parts of undici a run uses, loaded from their own files. undici's index.js loads every
// dispatcher, mock, cache store and its web layer (fetch, cookies), which in turn loads
// Node's own bundled copy of undici: about 100 ms of CPU per process for classes Run Bench
// never uses (bench: `cold-start`). index.js also attaches the request API to
// Dispatcher.prototype; done here the same way, so `dispatcher.request()` works whichever
// module loads first. undici has no exports map, so these paths are public to Node.
import { createRequire } from 'node:module'
import type * as Undici from 'undici'

const requireUndici = createRequire(import.meta.url)

const dispatcherClass = requireUndici('undici/lib/dispatcher/dispatcher.js') as typeof Undici.Dispatcher
Object.assign(dispatcherClass.prototype, requireUndici('undici/lib/api/index.js'))

/** undici's Dispatcher class, for subclasses; its types come from `import type { Dispatcher } from 'undici'`. */
export const DispatcherClass = dispatcherClass
export const Client = requireUndici('undici/lib/dispatcher/client.js') as typeof Undici.Client
export type Client = Undici.Client
// A type-only namespace, as undici declares it: `Client.Options`.
export declare namespace Client {
  type Options = Undici.Client.Options
}
export const Agent = requireUndici('undici/lib/dispatcher/agent.js') as typeof Undici.Agent
export type Agent = Undici.Agent
