// URLs derived from a target's base URL. Target.baseUrl should include the /v1 prefix,
// but users paste LiteLLM URLs both ways, so the LiteLLM root is derived GuideLLM style:
// strip trailing slashes and one trailing /v1.

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
