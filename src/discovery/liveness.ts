// Is the target up? A cheap pre-flight that never costs the user a model call.
// LiteLLM: `/health/liveliness`, then `/health/readiness` (both public). Never `/health`:
// it makes a real LLM call to every deployment. Plain servers: `GET <baseUrl>/models`.

import { Agent } from '../client/undici.js'
import { targetHeaders, targetSecrets } from '../http/credentials.js'
import { maskUrl } from '../http/mask.js'
import type { Target } from '../types.js'
import { describeFailure, type HttpGetResult, httpGet } from './http-get.js'
import { joinUrl, litellmRoot } from './target-url.js'

export interface LivenessResult {
  ok: boolean
  /** The last URL asked (secrets masked). */
  endpoint: string
  /** HTTP status of that request; null when no response came. */
  status: number | null
  /** Why it is not ok: "GET <url>: HTTP 503: ..." or a network error. */
  error?: string
}

/** Never throws: an unreachable target is `ok: false` with the reason. */
export async function checkLiveness(target: Target, opts: { timeoutMs: number }): Promise<LivenessResult> {
  if (target.baseUrl === '') {
    return { ok: false, endpoint: '', status: null, error: `Target "${target.name}" has no base_url` }
  }
  const urls =
    target.kind === 'litellm'
      ? [
          `${litellmRoot(target.baseUrl)}/health/liveliness`,
          `${litellmRoot(target.baseUrl)}/health/readiness`,
        ]
      : [joinUrl(target.baseUrl, 'models')]
  const secrets = targetSecrets(target)
  const headers = targetHeaders(target)
  const dispatcher = new Agent({ connect: { timeout: opts.timeoutMs } })
  try {
    let last: { url: string; result: HttpGetResult } | null = null
    for (const url of urls) {
      const result = await httpGet(url, { headers, timeoutMs: opts.timeoutMs, dispatcher })
      if (result.status !== null && result.status >= 200 && result.status < 300) {
        return { ok: true, endpoint: maskUrl(url, secrets), status: result.status }
      }
      last = { url, result }
      // Nothing listens: the second LiteLLM route would fail the same way, only slower.
      if (result.status === null) break
    }
    if (last === null) throw new Error('checkLiveness: no URL to check')
    return {
      ok: false,
      endpoint: maskUrl(last.url, secrets),
      status: last.result.status,
      error: describeFailure(last.url, last.result, secrets),
    }
  } finally {
    await dispatcher.close()
  }
}
