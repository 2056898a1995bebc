// What a target offers to benchmark, gathered from every place that knows: models.yaml
// entries meant for it, what the server says it serves (LiteLLM /v1/model/info or
// /v1/models, a plain server's /v1/models, the built-in simulator's own list) and the
// groups of a LiteLLM config.yaml. `run-bench models` prints it, `run --model <group>` and
// `--model all` resolve against it, and the dialog lists it.

import { keyedTarget } from '../config/api-key.js'
import { readLitellmConfig } from '../config/litellm-config.js'
import { type ConfigModel, type LoadedConfig, modelsForTarget } from '../config/load-config.js'
import { TargetError } from '../errors.js'
import { targetSecrets } from '../http/credentials.js'
import { maskUrl } from '../http/mask.js'
import { DEFAULT_SIM_MODELS, type Model, type Target } from '../types.js'
import type { DiscoveredModel, DiscoveryResult } from './discovered-model.js'
import { discoverLitellmModels } from './litellm-api.js'
import { type ConfigFileDeployment, mergeModels } from './merge-models.js'
import { listOpenAiModels, wildcardNote } from './openai-models.js'

type Env = Record<string, string | undefined>

/** Long enough for a proxy that lists many deployments; an unreachable one fails at once. */
export const CATALOG_TIMEOUT_MS = 10_000

/** LiteLLM `model_info.mode` values that generate text (as discovery/litellm-api.ts keeps). */
const textModes = new Set(['chat', 'completion', 'responses'])

export interface CatalogEntry {
  /** What `--model` takes: the models.yaml alias, else the served name. */
  name: string
  /** The served (group) name, sent as the request's `model`. */
  fullName: string
  /** Upstream `<provider>/<model>` of the deployments, when known. */
  providerModels: string[]
  /** Upstream URLs of the deployments, credentials masked. */
  apiBases: string[]
  /** Deployments behind the name; 0 when no source says. */
  deploymentCount: number
  source: Model['source']
  description: string
  /** The target lists it itself (server, proxy API or its LiteLLM config file). */
  served: boolean
  /** A models.yaml entry that names this target in its `targets:`. */
  targeted: boolean
}

export interface ModelCatalog {
  target: Target
  entries: CatalogEntry[]
  /** What the user should know: skipped wildcards, a fallback endpoint, aliases... */
  notes: string[]
  /** Non-fatal findings in the LiteLLM config file (unset os.environ/ variables...). */
  warnings: string[]
  /** What the server was asked, e.g. "GET http://host:4000/v1/model/info" (masked); null when it was not. */
  asked: string | null
  /** The LiteLLM config file read (absolute path), if any. */
  configFile: string | null
  /** The server could not be asked (only with tolerateUnreachable). */
  serverError: TargetError | null
}

export interface CatalogOptions {
  /** models.yaml entries are merged in when given. */
  config: LoadedConfig | null
  env: Env
  timeoutMs?: number
  /** A LiteLLM config.yaml to read instead of the target's litellm_config (absolute path). */
  litellmConfig?: string
  /** An unreachable server becomes `serverError` instead of a thrown TargetError. */
  tolerateUnreachable?: boolean
  /** Read the config file only (a LiteLLM config.yaml named on its own). */
  skipServer?: boolean
}

/** What a LiteLLM config file contributes, already filtered to text-generating groups. */
interface ConfigFileModels {
  deployments: ConfigFileDeployment[]
  notes: string[]
  warnings: string[]
}

function askServer(target: Target, timeoutMs: number): Promise<DiscoveryResult> | DiscoveryResult {
  if (target.kind === 'litellm') return discoverLitellmModels(target, { timeoutMs })
  if (target.kind === 'openai') return listOpenAiModels(target, { timeoutMs })
  // The simulator serves what its options list: no server needs to start to ask it.
  const names = target.sim?.models ?? DEFAULT_SIM_MODELS
  return {
    models: names.map((name) => ({
      name,
      providerModels: [],
      apiBases: [],
      // The simulator is the one deployment of each, as a plain server is.
      deploymentCount: 1,
      source: 'server' as const,
      modelIds: [],
    })),
    notes: [],
    endpoint: 'built-in simulator (its options)',
  }
}

/** Reads a LiteLLM config.yaml into merge input; wildcards and non-text groups become notes. */
export function readConfigFileModels(path: string, env: Env, secrets: readonly string[]): ConfigFileModels {
  const config = readLitellmConfig(path, env)
  const notes: string[] = []
  const wildcards = config.groups.filter((group) => group.isWildcard).map((group) => group.modelName)
  if (wildcards.length > 0) notes.push(wildcardNote(wildcards))
  const otherModes: string[] = []
  const deployments: ConfigFileDeployment[] = []
  for (const deployment of config.deployments) {
    const mode = deployment.modelInfo.mode
    if (typeof mode === 'string' && !textModes.has(mode)) {
      const label = `${deployment.modelName} (${mode})`
      if (!otherModes.includes(label)) otherModes.push(label)
      continue
    }
    deployments.push({
      modelName: deployment.modelName,
      providerModel: deployment.providerModel,
      apiBase: deployment.apiBase === null ? null : maskUrl(deployment.apiBase, secrets),
      isWildcard: deployment.isWildcard,
    })
  }
  if (otherModes.length > 0) notes.push(`Skipped models that do not generate text: ${otherModes.join(', ')}`)
  for (const alias of config.aliases) {
    notes.push(
      `Alias "${alias.alias}" serves group "${alias.modelName}"${alias.hidden ? ' (hidden)' : ''} (router_settings.model_group_alias)`,
    )
  }
  return { deployments, notes, warnings: config.warnings }
}

function pushDistinct(list: string[], values: Iterable<string | null>): void {
  for (const value of values) if (value !== null && !list.includes(value)) list.push(value)
}

/** models.yaml + server + config file, merged by mergeModels, with the detail of each source kept. */
function buildEntries(
  target: Target,
  configured: readonly ConfigModel[],
  discovered: readonly DiscoveredModel[],
  fromFile: readonly ConfigFileDeployment[],
): CatalogEntry[] {
  const byServer = new Map(discovered.map((model) => [model.name, model]))
  const byFile = new Map<string, { providerModels: string[]; apiBases: string[]; count: number }>()
  for (const deployment of fromFile) {
    if (deployment.isWildcard) continue
    const group = byFile.get(deployment.modelName) ?? { providerModels: [], apiBases: [], count: 0 }
    group.count += 1
    pushDistinct(group.providerModels, [deployment.providerModel])
    pushDistinct(group.apiBases, [deployment.apiBase])
    byFile.set(deployment.modelName, group)
  }
  const targetedNames = new Set(
    configured.filter((model) => model.targets?.includes(target.name) === true).map((model) => model.name),
  )
  return mergeModels(configured, discovered, fromFile).map((model): CatalogEntry => {
    const server = byServer.get(model.fullName)
    const file = byFile.get(model.fullName)
    const serverProviders = server?.providerModels ?? []
    const serverBases = server?.apiBases ?? []
    const serverCount = server?.deploymentCount ?? 0
    return {
      name: model.name,
      fullName: model.fullName,
      description: model.description,
      source: model.source,
      providerModels: serverProviders.length > 0 ? [...serverProviders] : [...(file?.providerModels ?? [])],
      apiBases: serverBases.length > 0 ? [...serverBases] : [...(file?.apiBases ?? [])],
      deploymentCount: serverCount > 0 ? serverCount : (file?.count ?? 0),
      served: server !== undefined || file !== undefined,
      targeted: model.source === 'models.yaml' && targetedNames.has(model.name),
    }
  })
}

/**
 * Gathers the catalog of one target. The target should carry its key already (keyedTarget).
 * Throws TargetError when the server cannot be asked (unless tolerateUnreachable) and
 * ConfigError when its LiteLLM config file cannot be read.
 */
export async function gatherModelCatalog(target: Target, options: CatalogOptions): Promise<ModelCatalog> {
  const timeoutMs = options.timeoutMs ?? CATALOG_TIMEOUT_MS
  const notes: string[] = []
  let asked: string | null = null
  let discovered: DiscoveredModel[] = []
  let serverError: TargetError | null = null
  if (options.skipServer !== true) {
    try {
      const result = await askServer(target, timeoutMs)
      discovered = result.models
      notes.push(...result.notes)
      asked = result.endpoint.startsWith('built-in') ? result.endpoint : `GET ${result.endpoint}`
    } catch (error) {
      if (!(error instanceof TargetError) || options.tolerateUnreachable !== true) throw error
      serverError = error
    }
  }
  const configPath = options.litellmConfig ?? target.litellmConfig
  let file: ConfigFileModels = { deployments: [], notes: [], warnings: [] }
  if (configPath !== undefined) file = readConfigFileModels(configPath, options.env, targetSecrets(target))
  const configured = options.config === null ? [] : modelsForTarget(options.config, target.name)
  return {
    target,
    entries: buildEntries(target, configured, discovered, file.deployments),
    // The proxy and its config file may report the same wildcard: say it once.
    notes: [...new Set([...notes, ...file.notes])],
    warnings: file.warnings,
    asked,
    configFile: configPath ?? null,
    serverError,
  }
}

/**
 * What `--model all` benchmarks: what the target itself lists (under its models.yaml alias
 * where one exists) plus models.yaml entries that name the target explicitly. Entries that
 * fit every target but the target does not serve are left out: they would only fail.
 */
export function runnableEntries(catalog: ModelCatalog): CatalogEntry[] {
  return catalog.entries.filter((entry) => entry.served || entry.targeted)
}

/**
 * The config with the catalog's non-models.yaml entries added as entries meant for its
 * target, so resolveRun accepts a discovered group name like a models.yaml alias.
 */
export function withCatalogModels(config: LoadedConfig, catalog: ModelCatalog): LoadedConfig {
  const known = new Set(config.models.flatMap((model) => [model.name, model.fullName]))
  const added: ConfigModel[] = catalog.entries
    .filter((entry) => entry.source !== 'models.yaml' && !known.has(entry.name))
    .map((entry) => ({
      name: entry.name,
      fullName: entry.fullName,
      description: entry.description,
      source: entry.source,
      targets: [catalog.target.name],
    }))
  return added.length === 0 ? config : { ...config, models: [...config.models, ...added] }
}

/**
 * For the interactive dialog (`discoverModels` of runDialog): what the chosen target
 * serves, from its server and its LiteLLM config file, without the models.yaml entries (the
 * dialog lists those itself). The simulator is not asked (it starts with the run). A server
 * that cannot be asked still yields its config file's groups; with no file it rejects, and
 * the dialog shows why.
 */
export function createCatalogDiscovery(env: Env, timeoutMs = 5000): (target: Target) => Promise<Model[]> {
  return async (target: Target): Promise<Model[]> => {
    if (target.kind === 'sim') return []
    const catalog = await gatherModelCatalog(keyedTarget(target, env).target, {
      config: null,
      env,
      timeoutMs,
      tolerateUnreachable: target.litellmConfig !== undefined,
    })
    if (catalog.serverError !== null && catalog.entries.length === 0) throw catalog.serverError
    return catalog.entries.map((entry) => ({
      name: entry.name,
      fullName: entry.fullName,
      description: entry.description,
      source: entry.source,
    }))
  }
}
