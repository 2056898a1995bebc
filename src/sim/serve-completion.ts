import type { ServerResponse } from 'node:http'
import type { SimOptions } from '../types.js'
import type { CompletionRequest } from './completion-request.js'
import type { Engine } from './engine.js'
import { sendError, sendJson } from './json-reply.js'
import {
  completeResponse,
  createIdentity,
  roleChunk,
  SSE_DONE,
  STREAM_ERROR_EVENT,
  sseEvent,
  tokenChunk,
  usageChunk,
  usageOf,
} from './openai-wire.js'
import { planRequest } from './request-plan.js'
import { createStallGate } from './stall-gate.js'

export interface CompletionContext {
  options: SimOptions
  engine: Engine
  /** 0 for the first completion request this server received; keys every seeded choice. */
  arrivalIndex: number
}

// error_event and drop strike after this many tokens (fewer if the answer is shorter).
const TOKENS_BEFORE_FAILURE = 2

/**
 * Answers one chat or text completion. Streaming responses send their headers at once (as
 * vLLM's StreamingResponse does), then the role chunk together with the first token, one
 * chunk per token, the usage chunk when asked for, and [DONE]. Faults:
 * - http_429 / http_500: an immediate error response; the engine never sees the request.
 * - error_event: after 2 tokens an error event, then the stream ends without [DONE]
 *   (non-streaming: a 500 error response at that moment).
 * - drop: after 2 tokens the socket is destroyed, mid-response.
 * - stall: nothing more is written for stallMs after the first token, then the held
 *   output follows (non-streaming: the response is held likewise).
 */
export function serveCompletion(
  context: CompletionContext,
  request: CompletionRequest,
  res: ServerResponse,
): void {
  const { options, engine, arrivalIndex } = context
  const plan = planRequest(options, arrivalIndex, request)
  if (plan.fault === 'http_429') {
    sendError(res, 429, 'Simulated rate limit, retry after 1 s', 'rate_limit_error', { 'retry-after': '1' })
    return
  }
  if (plan.fault === 'http_500') {
    sendError(res, 500, 'Simulated internal server error', 'server_error')
    return
  }
  if (options.maxQueue > 0 && engine.stats().waiting >= options.maxQueue) {
    sendError(
      res,
      503,
      `Simulated server overloaded: ${options.maxQueue} requests already waiting`,
      'server_error',
    )
    return
  }

  // The client left while its body was being read: nothing would ever free its slot.
  if (!res.socket || res.socket.destroyed) return

  const identity = createIdentity(request.api, arrivalIndex, request.model)
  const gate = createStallGate()
  const failAfterTokens = Math.min(TOKENS_BEFORE_FAILURE, plan.outputTokens)
  let text = ''

  if (request.stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    res.flushHeaders()
  }

  const cancel = engine.submit({
    promptTokens: request.promptTokens,
    promptText: request.promptText,
    answerText: () => text,
    outputTokens: plan.outputTokens,
    onToken(index) {
      const word = plan.nextWord()
      // Kept for streams too: the prefix cache stores prompt + answer when the answer ends.
      text += word
      const finishReason = index + 1 === plan.outputTokens ? plan.finishReason : null
      if (request.stream) {
        const role = index === 0 && request.api === 'chat' ? sseEvent(roleChunk(identity)) : ''
        const chunk = sseEvent(tokenChunk(identity, word, finishReason))
        gate.run(() => res.write(role + chunk))
      }
      if (plan.fault === 'stall' && index === 0) gate.stall(options.stallMs)
      if ((plan.fault === 'error_event' || plan.fault === 'drop') && index + 1 === failAfterTokens) {
        cancel()
        const fault = plan.fault
        gate.run(() => {
          // Node corks a response until the next tick; destroying now would discard the
          // tokens just written, so the socket goes once they have been handed over.
          if (fault === 'drop') setImmediate(() => res.destroy())
          else if (request.stream) res.end(sseEvent(STREAM_ERROR_EVENT))
          else sendError(res, 500, 'simulated failure', 'server_error')
        })
      }
    },
    onFinish() {
      const usage = usageOf(request.promptTokens, plan.outputTokens)
      gate.run(() => {
        if (!request.stream) {
          sendJson(res, 200, completeResponse(identity, text, plan.finishReason, usage))
          return
        }
        res.end((request.includeUsage ? sseEvent(usageChunk(identity, usage)) : '') + SSE_DONE)
      })
    },
  })
  // A client that goes away (or a dropped socket) frees its batch slot or queue place.
  res.on('close', () => {
    cancel()
    gate.dispose()
  })
}
