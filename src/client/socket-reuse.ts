// Tells whether a request went out on a socket that an earlier request already used.
// A server that advertises keep-alive and then closes idle sockets (llama-server does) makes
// such a request fail before any response byte; only then is one retry safe and honest.
//
// undici does not hand the socket to a request handler, but inside one synchronous write it
// first calls the handler's onConnect and then publishes 'undici:client:sendHeaders' with the
// socket. So the request that called expectSocket last is the one whose socket is published.
import { subscribe } from 'node:diagnostics_channel'

export interface SocketUser {
  reusedSocket: boolean
}

const usedSockets = new WeakSet<object>()
let waiting: SocketUser | null = null
let subscribed = false

function onSendHeaders(message: unknown): void {
  const user = waiting
  waiting = null
  const socket = (message as { socket?: unknown } | null)?.socket
  if (typeof socket !== 'object' || socket === null) return
  if (user !== null) user.reusedSocket = usedSockets.has(socket)
  usedSockets.add(socket)
}

/** Call from a handler's onConnect: its socket is the next one undici publishes. */
export function expectSocket(user: SocketUser): void {
  if (!subscribed) {
    subscribe('undici:client:sendHeaders', onSendHeaders)
    subscribed = true
  }
  user.reusedSocket = false
  waiting = user
}
