// User errors: bad config, bad flags, unreachable target. Only cli/main.ts catches them and
// prints message + hint without a stack. Per-request failures are never thrown (they are
// records); bugs are plain Errors.

export type BenchErrorCode = 'config' | 'usage' | 'target' | 'io'

export class BenchError extends Error {
  readonly code: BenchErrorCode
  readonly hint: string | undefined

  constructor(code: BenchErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.hint = options.hint
  }
}

/** A config file or value is wrong. The message names file, key path, value and the fix. */
export class ConfigError extends BenchError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('config', message, options)
  }
}

/** A flag or argument is wrong. */
export class UsageError extends BenchError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('usage', message, options)
  }
}

/** The target cannot be reached or refuses us before any load is sent. */
export class TargetError extends BenchError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('target', message, options)
  }
}

/** Results cannot be written (checked before any load is sent). */
export class OutputError extends BenchError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('io', message, options)
  }
}
