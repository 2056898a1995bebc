import type { Target } from '../types.js'
import type { LoadedConfig } from './load-config.js'

/** The target a run will use: the named one, else the first (resolveRun reports unknown names). */
export function chosenTarget(config: LoadedConfig, name: string | undefined): Target | undefined {
  return name === undefined ? config.targets[0] : config.targets.find((target) => target.name === name)
}
