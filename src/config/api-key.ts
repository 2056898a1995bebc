// API-key resolution, once: a target whose key comes from `api_key_env` gets it from the
// environment when it is about to be used (a run, a models listing, a dialog's discovery).
import { ConfigError } from '../errors.js'
import type { Target } from '../types.js'

type Env = Readonly<Record<string, string | undefined>>

/**
 * The target with its key from api_key_env when that variable is set. `missingKeyEnv`
 * names the variable when it is not (the caller decides: ask without a key, or refuse).
 */
export function keyedTarget(target: Target, env: Env): { target: Target; missingKeyEnv: string | null } {
  if (target.apiKeyEnv === undefined || target.apiKey !== undefined) return { target, missingKeyEnv: null }
  const key = env[target.apiKeyEnv]
  if (key === undefined || key === '') return { target, missingKeyEnv: target.apiKeyEnv }
  return { target: { ...target, apiKey: key }, missingKeyEnv: null }
}

/** The keyed target, or a ConfigError naming the unset variable and `targetsFile` to fix. */
export function requireKeyedTarget(target: Target, env: Env, targetsFile = 'targets.yaml'): Target {
  const keyed = keyedTarget(target, env)
  if (keyed.missingKeyEnv === null) return keyed.target
  throw new ConfigError(
    `Target "${target.name}" reads its API key from the environment variable ${keyed.missingKeyEnv}, which is not set`,
    {
      hint: `Set it before running (export ${keyed.missingKeyEnv}=sk-...), or give api_key in ${targetsFile} (api_key: "EMPTY" for a server without auth)`,
    },
  )
}
