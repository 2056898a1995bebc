// The one masking algorithm, for API keys and URL credentials in anything we echo: error
// messages, notes, results metadata, reports, the terminal. A key must never reach a
// terminal or a file unmasked.
import type { Target } from '../types.js'
import { isCredentialHeader, isCredentialQueryParam, targetSecrets } from './credentials.js'

/** Keys shorter than this are replaced entirely: showing 7 of 12 characters would give too much away. */
const minPartialLength = 16

/** `sk-` keys (OpenAI, LiteLLM virtual keys) anywhere in free text. */
const skKeyPattern = 'sk-[A-Za-z0-9_-]{6,}'

/** Credentials after an auth scheme, as servers sometimes echo the header they received. */
const bearerPattern = '(\\b(?:[Bb]earer|[Bb]asic)\\s+)([^\\s"\',;]+)'

/**
 * Shows enough of a key to tell two keys apart: first 3 and last 4 characters of a long key
 * ('sk-…abcd'); '***' for a short one.
 */
export function maskSecret(value: string): string {
  if (value.length < minPartialLength) return '***'
  return `${value.slice(0, 3)}…${value.slice(-4)}`
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Masks every occurrence of the given secrets, any `sk-…` key and any `Bearer <token>` in
 * `text`. One pass, so an already masked value is never masked twice.
 */
export function maskSecretsInText(text: string, secrets: readonly string[] = []): string {
  // Longest first, so a secret that contains another one is masked whole.
  const literal = [...new Set(secrets.filter((secret) => secret.length > 0))]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
  const alternatives = [...literal.map((source) => `(?:${source})`), skKeyPattern]
  const pattern = new RegExp(`${bearerPattern}|${alternatives.join('|')}`, 'g')
  return text.replace(pattern, (match: string, scheme: string | undefined, token: string | undefined) => {
    if (scheme === undefined || token === undefined) return maskSecret(match)
    // 'Bearer sk-…abcd' or 'Bearer ***' is already masked; masking it again would lose the hint.
    return token.includes('…') || token === '***' ? match : `${scheme}${maskSecret(token)}`
  })
}

/**
 * Removes credentials from a URL: userinfo is dropped and credential-like query values are
 * replaced by '***'. A URL with nothing to hide comes back unchanged (same spelling); text
 * that is not a URL is still passed through maskSecretsInText.
 */
export function maskUrl(url: string, secrets: readonly string[] = []): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return maskSecretsInText(url, secrets)
  }
  let changed = false
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = ''
    parsed.password = ''
    changed = true
  }
  for (const name of [...new Set(parsed.searchParams.keys())]) {
    if (isCredentialQueryParam(name)) {
      parsed.searchParams.set(name, '***')
      changed = true
    }
  }
  return maskSecretsInText(changed ? parsed.toString() : url, secrets)
}

/** Headers with every credential value masked (names kept, so a reader sees what was sent). */
export function maskHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      isCredentialHeader(name) ? maskSecret(value) : value,
    ]),
  )
}

/** A target as it may be written or printed: key, credential headers and base URL masked. */
export function maskTarget<T extends Pick<Target, 'headers' | 'baseUrl' | 'apiKey'>>(target: T): T {
  const secrets = targetSecrets(target)
  const masked: T = {
    ...target,
    headers: maskHeaders(target.headers),
    baseUrl: maskUrl(target.baseUrl, secrets),
  }
  if (target.apiKey !== undefined) masked.apiKey = maskSecret(target.apiKey)
  return masked
}
