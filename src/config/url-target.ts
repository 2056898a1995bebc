// A server given by URL on the command line (`--target http://host:8000/v1`, `--base-url`,
// BENCH_BASE_URL) and a key given the same way (`--api-key`, BENCH_API_KEY): no YAML edit
// needed to point at a server. The URL becomes an ad-hoc openai target named host:port,
// added to the config, so everything after this works with target names as usual.

import type { Target } from '../types.js'
import type { ConfigModel, LoadedConfig } from './load-config.js'
import type { SettledChoice } from './run-overrides.js'

export interface UrlTargetChoice {
  config: LoadedConfig
  settled: SettledChoice
  /** The ad-hoc target made from a URL; null when the run uses a target of targets.yaml. */
  adHoc: Target | null
}

/** `http://…` or `https://…`: a URL where a target name was expected. */
export function isTargetUrl(value: string | undefined): value is string {
  return value !== undefined && /^https?:\/\//i.test(value)
}

/** "127.0.0.1:8000" for http://127.0.0.1:8000/v1; the host alone when the URL has no port. */
export function urlTargetName(url: string): string {
  const parsed = new URL(url)
  return parsed.port === '' ? parsed.hostname : `${parsed.hostname}:${parsed.port}`
}

function adHocTarget(url: string, source: string): Target {
  return {
    name: urlTargetName(url),
    // Not the URL itself: it may carry a key (userinfo, ?api_key=), and descriptions are shown.
    description: `ad-hoc target from ${source}`,
    kind: 'openai',
    baseUrl: url.replace(/\/+$/, ''),
    headers: {},
    keepalive: true,
  }
}

/**
 * Applies --target URL, --base-url and --api-key (or their BENCH_* variables) to the config:
 * a URL target is added (and chosen by name); --base-url with a named target other than the
 * simulator replaces its base_url; --api-key replaces the chosen target's key. The choice
 * that comes back holds no URL or key any more, so calling this twice changes nothing.
 */
export function withUrlTarget(config: LoadedConfig, settled: SettledChoice): UrlTargetChoice {
  const { baseUrl, apiKey, ...choice } = settled.choice
  const sources = { ...settled.sources }
  let targets = config.targets
  let adHoc: Target | null = null
  let name = choice.target
  const named = name === undefined ? undefined : targets.find((target) => target.name === name)
  const url = isTargetUrl(name) ? name : baseUrl
  if (url !== undefined && (named === undefined || named.kind === 'sim')) {
    const source = isTargetUrl(name) ? (sources.target ?? '--target') : (sources.baseUrl ?? '--base-url')
    adHoc = adHocTarget(url, source)
    name = adHoc.name
    targets = [...targets.filter((target) => target.name !== name), adHoc]
  } else if (url !== undefined && named !== undefined) {
    targets = targets.map((target) =>
      target === named ? { ...target, baseUrl: url.replace(/\/+$/, '') } : target,
    )
  }
  if (apiKey !== undefined) {
    const keyed = name ?? targets[0]?.name
    targets = targets.map((target) => {
      if (target.name !== keyed) return target
      const { apiKeyEnv: _apiKeyEnv, ...rest } = target
      return { ...rest, apiKey }
    })
    if (adHoc !== null) adHoc = targets.find((target) => target.name === name) ?? adHoc
  }
  delete sources.baseUrl
  delete sources.apiKey
  const models =
    adHoc === null || choice.model === undefined ? config.models : withServedName(config, adHoc, choice.model)
  return {
    config: targets === config.targets ? config : { ...config, targets, models },
    settled: { choice: name === undefined ? choice : { ...choice, target: name }, sources },
    adHoc,
  }
}

/**
 * A URL target serves what its server serves: a --model that models.yaml does not offer for
 * every target is taken as a served name of it (the probe warns when the server lists
 * something else). An alias meant for every target keeps its full name.
 */
function withServedName(config: LoadedConfig, target: Target, model: string): ConfigModel[] {
  const general = config.models.some(
    (known) => known.targets === undefined && (known.name === model || known.fullName === model),
  )
  if (general || model === 'all') return config.models
  return [
    ...config.models,
    { name: model, fullName: model, description: '', source: 'server', targets: [target.name] },
  ]
}
