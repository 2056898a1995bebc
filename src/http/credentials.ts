// The one list of credential header names and the one place that builds a target's
// outgoing headers and the secret values to hide. A duplicated credential regex once missed
// `Cookie` and a session cookie reached meta.json: every writer asks here.
import type { Target } from '../types.js'

/** Header names whose values are credentials (lower case). */
export const CREDENTIAL_HEADER_NAMES: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-goog-api-key',
  'openai-api-key',
]

/** Custom headers that look like credentials too (x-my-token, x-litellm-secret, …). */
const credentialLikeName = /key|token|auth|secret|cookie|session|password/i

export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase()
  return CREDENTIAL_HEADER_NAMES.includes(lower) || credentialLikeName.test(lower)
}

/** Query parameters whose value is a credential (api_key, key, token, sig, ...). */
const credentialQueryName = /(key|token|secret|password|passwd|auth|credential|sig|signature)/i

export function isCredentialQueryParam(name: string): boolean {
  return credentialQueryName.test(name)
}

/** Request headers for a target: its own headers plus the bearer key when it has one. */
export function targetHeaders(target: Pick<Target, 'headers' | 'apiKey'>): Record<string, string> {
  const headers: Record<string, string> = { ...target.headers }
  if (target.apiKey !== undefined && target.apiKey !== '') headers.authorization = `Bearer ${target.apiKey}`
  return headers
}

/**
 * Values that must never be echoed: the key, every credential header's value (whole, and
 * without its `Bearer`/`Basic` scheme), and the userinfo and credential query values of the
 * base URL.
 */
export function targetSecrets(
  target: Pick<Target, 'headers' | 'apiKey'> & { baseUrl?: string | undefined },
): string[] {
  const secrets: string[] = []
  if (target.apiKey !== undefined && target.apiKey !== '') secrets.push(target.apiKey)
  secrets.push(...headerSecrets(target.headers ?? {}))
  if (target.baseUrl !== undefined) secrets.push(...urlSecrets(target.baseUrl))
  return [...new Set(secrets.filter((secret) => secret !== ''))]
}

export function headerSecrets(headers: Readonly<Record<string, string>>): string[] {
  const secrets: string[] = []
  for (const [name, value] of Object.entries(headers)) {
    if (!isCredentialHeader(name) || value.trim() === '') continue
    secrets.push(value.trim())
    const credential = value.replace(/^\s*(Bearer|Basic)\s+/i, '').trim()
    if (credential !== '' && credential !== value.trim()) secrets.push(credential)
  }
  return secrets
}

/** The userinfo (decoded and as written) and credential query values of a URL. */
export function urlSecrets(url: string): string[] {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return []
  }
  const secrets: string[] = []
  // The password; a user name only when it is the whole credential (http://KEY@host).
  const part = parsed.password !== '' ? parsed.password : parsed.username
  if (part !== '') {
    secrets.push(part)
    const decoded = safeDecode(part)
    if (decoded !== part) secrets.push(decoded)
  }
  for (const [name, value] of parsed.searchParams) {
    if (isCredentialQueryParam(name) && value !== '') secrets.push(value)
  }
  return secrets
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
