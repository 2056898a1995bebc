import { BenchError } from '../errors.js'

/**
 * The engine (sbatch, the Slurm controller) refused or failed the submission. Its own
 * message is kept in ours: the user must see what Slurm said. Exit code as an unreachable
 * target (3): the load was never started.
 */
export class ClusterError extends BenchError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('target', message, options)
  }
}
