// Reads a LiteLLM proxy config.yaml the way the proxy does (reference:
// litellm-and-openai-streaming.md §1): PyYAML's YAML 1.1 with duplicate keys allowed (last
// wins), `include:` files merged, `os.environ/VAR` references resolved, one model group per
// model_name. Nothing here talks to the proxy; discovery/ does that.

import { existsSync, readFileSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import type { Tags } from 'yaml'
import { ConfigError } from '../errors.js'
import { displayPath, formatProblem } from './problems.js'
import { parseYamlText, type YamlOptions } from './yaml-text.js'

/** One model_list entry. */
export interface LitellmDeployment {
  /** The public name clients send as "model"; entries sharing it form one model group. */
  modelName: string
  /** litellm_params.model, `<provider>/<upstream model>` (e.g. hosted_vllm/facebook/opt-125m). */
  providerModel: string
  apiBase: string | null
  /** `os.environ/VAR` as written, a masked literal key ('sk-…abcd' or '***'), or null. */
  apiKeyRef: string | null
  /** Tokens / requests per minute, from the deployment's top level, else litellm_params, else model_info. */
  tpm: number | null
  rpm: number | null
  modelInfo: Record<string, unknown>
  /** model_name contains '*' ('*', 'openai/*'): a route pattern, not a model one can benchmark. */
  isWildcard: boolean
}

export interface LitellmGroup {
  modelName: string
  deployments: LitellmDeployment[]
  isWildcard: boolean
}

/** router_settings.model_group_alias: `alias` is served as group `modelName`. */
export interface LitellmAlias {
  alias: string
  modelName: string
  /** Hidden aliases work but are not listed by /v1/models. */
  hidden: boolean
}

export interface LitellmConfig {
  deployments: LitellmDeployment[]
  /** In order of first appearance in model_list. */
  groups: LitellmGroup[]
  aliases: LitellmAlias[]
  /** Non-fatal findings: unset os.environ variables, skipped entries. */
  warnings: string[]
  /** The config and every included file, absolute paths in reading order. */
  files: string[]
}

type Env = Record<string, string | undefined>
type Json = Record<string, unknown>

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// PyYAML's YAML 1.1 booleans do not include the single letters y/Y/n/N that npm yaml's
// 1.1 schema accepts, so `n: 1` keeps the key "n" as LiteLLM sees it.
const pyTrue = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/
const pyFalse = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/

function pyyamlBooleans(tags: Tags): Tags {
  return tags.map((tag) => {
    if (typeof tag !== 'object' || tag.tag !== 'tag:yaml.org,2002:bool' || !('test' in tag) || !tag.test)
      return tag
    return { ...tag, test: tag.test.test('true') ? pyTrue : pyFalse }
  })
}

const PYYAML_OPTIONS: YamlOptions = { version: '1.1', uniqueKeys: false, customTags: pyyamlBooleans }

/** PyYAML turns an unquoted 2023-05-15 into a date; LiteLLM passes it on as text, so do we. */
function datesToText(value: unknown): unknown {
  if (value instanceof Date) {
    const iso = value.toISOString()
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso
  }
  if (Array.isArray(value)) return value.map(datesToText)
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, datesToText(item)]))
  return value
}

function readYamlFile(path: string): unknown {
  const parsed = parseYamlText(readFileSync(path, 'utf8'), displayPath(path), PYYAML_OPTIONS)
  if (!parsed.ok) {
    throw new ConfigError(formatProblem(parsed.problem), {
      hint: 'LiteLLM reads this file with PyYAML; fix the YAML at that position',
    })
  }
  return datesToText(parsed.value)
}

/**
 * LiteLLM's `include:` merge (ProxyConfig._process_includes): entries are resolved against
 * the top-level config's folder (also for includes of included files), a list value is
 * appended to an existing list under the same key, any other value replaces the parent's.
 */
function mergeIncludes(config: Json, configPath: string, files: string[]): Json {
  if (!('include' in config)) return config
  const { include, ...merged } = config
  if (!Array.isArray(include)) {
    throw new ConfigError(
      `${displayPath(configPath)}: 'include' must be a list of file paths (got ${JSON.stringify(include)})`,
      {
        hint: 'Write it as a YAML list: include: [models.yaml]',
      },
    )
  }
  const folder = dirname(configPath)
  const queue: unknown[] = [...include]
  for (let index = 0; index < queue.length; index += 1) {
    const entry = queue[index]
    if (typeof entry !== 'string') {
      throw new ConfigError(
        `${displayPath(configPath)}: include[${index}] must be a file path (got ${JSON.stringify(entry)})`,
      )
    }
    const path = isAbsolute(entry) ? entry : join(folder, entry)
    if (!existsSync(path)) {
      throw new ConfigError(`Included file not found: ${path}`, {
        hint: `Listed under include: in ${displayPath(configPath)}; paths are relative to that file's folder`,
      })
    }
    files.push(path)
    const included = readYamlFile(path)
    if (!isRecord(included)) continue
    for (const [key, value] of Object.entries(included)) {
      if (key === 'include') {
        if (Array.isArray(value)) queue.push(...value)
        continue
      }
      const existing = merged[key]
      merged[key] = Array.isArray(value) && Array.isArray(existing) ? [...existing, ...value] : value
    }
  }
  return merged
}

const ENV_PREFIX = 'os.environ/'

/**
 * LiteLLM's `os.environ/VAR` resolution (_check_for_os_environ_vars): maps are walked
 * recursively, lists only into their map items (a plain string in a list stays as written).
 * An unset variable becomes null, a "true"/"false" value a boolean.
 */
function resolveEnvRefs(value: unknown, env: Env, path: string, warnings: string[], file: string): unknown {
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        resolveEnvRefs(item, env, path === '' ? key : `${path}.${key}`, warnings, file),
      ]),
    )
  }
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      isRecord(item) ? resolveEnvRefs(item, env, `${path}[${index}]`, warnings, file) : item,
    )
  }
  if (typeof value === 'string' && value.startsWith(ENV_PREFIX)) {
    const name = value.slice(ENV_PREFIX.length)
    const resolved = env[name]
    if (resolved === undefined) {
      warnings.push(`${file}: ${path}: environment variable ${name} is not set (LiteLLM would use None)`)
      return null
    }
    const lowered = resolved.trim().toLowerCase()
    return lowered === 'true' ? true : lowered === 'false' ? false : resolved
  }
  return value
}

function toCount(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
  return null
}

/** Same style as discovery's maskSecret: enough to tell keys apart, never the whole key. */
function maskKey(key: string): string {
  return key.length < 16 ? '***' : `${key.slice(0, 3)}…${key.slice(-4)}`
}

function apiKeyRefOf(rawKey: unknown): string | null {
  if (typeof rawKey !== 'string') return null
  return rawKey.startsWith(ENV_PREFIX) ? rawKey : maskKey(rawKey)
}

function toDeployment(entry: Json, rawEntry: Json): LitellmDeployment {
  const params = entry.litellm_params as Json
  const rawParams = isRecord(rawEntry.litellm_params) ? rawEntry.litellm_params : {}
  const info: Json = isRecord(entry.model_info) ? { ...entry.model_info } : {}
  if (typeof info.id === 'number') info.id = String(info.id)
  const modelName = String(entry.model_name)
  return {
    modelName,
    providerModel: String(params.model),
    apiBase: typeof params.api_base === 'string' ? params.api_base : null,
    apiKeyRef: apiKeyRefOf(rawParams.api_key),
    tpm: toCount(entry.tpm) ?? toCount(params.tpm) ?? toCount(info.tpm),
    rpm: toCount(entry.rpm) ?? toCount(params.rpm) ?? toCount(info.rpm),
    modelInfo: info,
    isWildcard: modelName.includes('*'),
  }
}

function readAliases(config: Json): LitellmAlias[] {
  const router = config.router_settings
  const aliases = isRecord(router) ? router.model_group_alias : undefined
  if (!isRecord(aliases)) return []
  return Object.entries(aliases).flatMap(([alias, target]): LitellmAlias[] => {
    if (typeof target === 'string') return [{ alias, modelName: target, hidden: false }]
    if (isRecord(target) && typeof target.model === 'string') {
      return [{ alias, modelName: target.model, hidden: target.hidden === true }]
    }
    return []
  })
}

/**
 * Reads a LiteLLM config.yaml. Throws ConfigError for a YAML syntax error (file:line:col),
 * a missing include, or a file that is not a LiteLLM config; an unset `os.environ/` variable
 * or an unusable model_list entry is a warning (the proxy starts without them too).
 */
export function readLitellmConfig(path: string, env: Env): LitellmConfig {
  const configPath = resolve(path)
  const display = displayPath(configPath)
  if (!existsSync(configPath)) {
    throw new ConfigError(`LiteLLM config not found: ${display}`, {
      hint: 'Check litellm_config in targets.yaml (relative paths start at the targets.yaml folder)',
    })
  }
  const files = [configPath]
  const parsed = readYamlFile(configPath)
  const top: unknown = parsed ?? {}
  if (!isRecord(top)) {
    throw new ConfigError(
      `${display}: must be a map with a model_list (got a ${Array.isArray(top) ? 'list' : typeof top})`,
      {
        hint: 'A LiteLLM config starts with model_list: followed by - model_name: ... entries',
      },
    )
  }
  const raw = mergeIncludes(top, configPath, files)
  const warnings: string[] = []
  const config = resolveEnvRefs(raw, env, '', warnings, display) as Json

  const rawList = raw.model_list
  if (rawList !== undefined && rawList !== null && !Array.isArray(rawList)) {
    throw new ConfigError(`${display}: model_list must be a list (got ${JSON.stringify(rawList)})`)
  }
  const list = Array.isArray(config.model_list) ? config.model_list : []
  if (list.length === 0)
    warnings.push(`${display}: model_list is empty or missing; the proxy serves no models from this file`)

  const deployments: LitellmDeployment[] = []
  list.forEach((entry: unknown, index: number) => {
    const rawEntry = Array.isArray(rawList) && isRecord(rawList[index]) ? rawList[index] : {}
    if (!isRecord(entry) || typeof entry.model_name !== 'string' || entry.model_name === '') {
      warnings.push(`${display}: model_list[${index}] has no model_name; skipped`)
      return
    }
    if (!isRecord(entry.litellm_params) || typeof entry.litellm_params.model !== 'string') {
      warnings.push(
        `${display}: model_list[${index}] (${entry.model_name}) has no litellm_params.model; skipped`,
      )
      return
    }
    deployments.push(toDeployment(entry, rawEntry))
  })

  const groups: LitellmGroup[] = []
  for (const deployment of deployments) {
    const group = groups.find((candidate) => candidate.modelName === deployment.modelName)
    if (group === undefined) {
      groups.push({
        modelName: deployment.modelName,
        deployments: [deployment],
        isWildcard: deployment.isWildcard,
      })
    } else group.deployments.push(deployment)
  }
  return { deployments, groups, aliases: readAliases(config), warnings, files }
}
