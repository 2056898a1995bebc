// One model list for the picker: models.yaml entries (aliases) first, then what the server
// lists, then groups only a LiteLLM config.yaml knows about (e.g. the proxy was not asked).
// A name is listed once: an alias whose full_name is a discovered group stands for it, and a
// group named like an alias is shadowed by the alias.

import type { Model } from '../types.js'
import type { DiscoveredModel } from './discovered-model.js'

export interface ConfigFileDeployment {
  modelName: string
  providerModel: string
  apiBase: string | null
  isWildcard: boolean
}

/** "hosted_vllm/qwen, openai/qwen (3 deployments)"; parts the source did not tell are left out. */
function describe(providerModels: readonly string[], deploymentCount: number): string {
  const count = deploymentCount > 0 ? `${deploymentCount} deployment${deploymentCount === 1 ? '' : 's'}` : ''
  const providers = providerModels.join(', ')
  if (providers !== '' && count !== '') return `${providers} (${count})`
  return providers !== '' ? providers : count
}

function groupConfigFile(
  deployments: readonly ConfigFileDeployment[],
): Map<string, { providerModels: string[]; count: number }> {
  const groups = new Map<string, { providerModels: string[]; count: number }>()
  for (const deployment of deployments) {
    if (deployment.isWildcard) continue
    let group = groups.get(deployment.modelName)
    if (group === undefined) {
      group = { providerModels: [], count: 0 }
      groups.set(deployment.modelName, group)
    }
    group.count += 1
    if (!group.providerModels.includes(deployment.providerModel))
      group.providerModels.push(deployment.providerModel)
  }
  return groups
}

/**
 * Stable order: configured (models.yaml) first, then discovered in server order, then
 * config-file-only groups in file order. Discovered groups that lack provider detail (the
 * `/v1/models` fallback) borrow it from the config file.
 */
export function mergeModels(
  configured: readonly Model[],
  discovered: readonly DiscoveredModel[],
  fromConfigFile: readonly ConfigFileDeployment[],
): Model[] {
  const fileGroups = groupConfigFile(fromConfigFile)
  const merged: Model[] = []
  const listed = new Set<string>()
  const byFullName = new Map<string, Model>()
  for (const model of configured) {
    const copy = { ...model }
    merged.push(copy)
    // Both: a server group named like an alias would make `--model <name>` ambiguous.
    listed.add(model.fullName)
    listed.add(model.name)
    if (!byFullName.has(model.fullName)) byFullName.set(model.fullName, copy)
  }
  for (const model of discovered) {
    const fromFile = fileGroups.get(model.name)
    const providerModels =
      model.providerModels.length > 0 ? model.providerModels : (fromFile?.providerModels ?? [])
    const count = model.deploymentCount > 0 ? model.deploymentCount : (fromFile?.count ?? 0)
    const description = describe(providerModels, count)
    const alias = byFullName.get(model.name)
    if (alias !== undefined) {
      // The alias keeps its name and source; it only gains a description it did not have.
      if (alias.description === '') alias.description = description
      continue
    }
    if (listed.has(model.name)) continue
    listed.add(model.name)
    merged.push({ name: model.name, fullName: model.name, description, source: model.source })
  }
  for (const [name, group] of fileGroups) {
    const alias = byFullName.get(name)
    if (alias !== undefined && alias.description === '')
      alias.description = describe(group.providerModels, group.count)
    if (listed.has(name)) continue
    listed.add(name)
    merged.push({
      name,
      fullName: name,
      description: describe(group.providerModels, group.count),
      source: 'config file',
    })
  }
  return merged
}
