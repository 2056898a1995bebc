// URLs derived from a target's base URL. Target.baseUrl should include the /v1 prefix,
// but users paste LiteLLM URLs both ways, so the LiteLLM root is derived GuideLLM style:
// strip trailing slashes and one trailing /v1.

import type { Target } from '../types.js'

function stripTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, '')
}

/** The proxy root (no /v1): `http://host:4000/v1/` → `http://host:4000`. */
export function litellmRoot(baseUrl: string): string {
  return stripTrailingSlashes(baseUrl).replace(/\/v1$/, '')
}

/** `<baseUrl>/<path>` with exactly one slash between them. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${stripTrailingSlashes(baseUrl)}/${path.replace(/^\/+/, '')}`
}

/** Request headers for a target: its own headers plus the bearer key when it has one. */
export function targetHeaders(target: Pick<Target, 'headers' | 'apiKey'>): Record<string, string> {
  const headers: Record<string, string> = { ...target.headers }
  if (target.apiKey !== undefined && target.apiKey !== '') headers.authorization = `Bearer ${target.apiKey}`
  return headers
}

/** Values that must never be echoed: the key and any credential-looking header value. */
export function targetSecrets(target: Pick<Target, 'headers' | 'apiKey'>): string[] {
  const secrets: string[] = []
  if (target.apiKey !== undefined && target.apiKey !== '') secrets.push(target.apiKey)
  for (const [name, value] of Object.entries(target.headers)) {
    if (/key|token|auth|secret|cookie/i.test(name) && value !== '') secrets.push(value)
  }
  return secrets
}
