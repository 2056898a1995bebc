// Turns a failed discovery GET into the TargetError the user sees: METHOD URL, status, the
// server's own message, and what to do. Secrets are masked before anything is shown.

import { TargetError } from '../errors.js'
import { targetSecrets } from '../http/credentials.js'
import type { Target } from '../types.js'
import { describeFailure, type HttpGetResult } from './http-get.js'

function hintFor(target: Target, status: number | null): string {
  if (status === null) {
    return `Check that the server of target "${target.name}" is running and that base_url ${target.baseUrl} is right`
  }
  if (status === 401 || status === 403) {
    if (target.apiKey === undefined || target.apiKey === '') {
      return `The server wants an API key: set api_key_env (or api_key) for target "${target.name}"`
    }
    const from = target.apiKeyEnv === undefined ? 'api_key' : `$${target.apiKeyEnv}`
    return `The server refused the key from ${from}: check that it is valid and allowed to list models`
  }
  if (status === 404)
    return `Check base_url of target "${target.name}": it should end in /v1 (got ${target.baseUrl})`
  return `The server of target "${target.name}" answered with an error; see its logs`
}

export function targetFailure(target: Target, url: string, result: HttpGetResult, prefix = ''): TargetError {
  const secrets = targetSecrets(target)
  return new TargetError(`${prefix}${describeFailure(url, result, secrets)}`, {
    hint: hintFor(target, result.status),
  })
}
