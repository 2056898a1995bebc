import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs'
import type { RequestRecord } from '../types.js'

export interface RawSink {
  write(record: RequestRecord): void
  close(): void
  readonly path: string
  written(): number
}

/**
 * Appends one JSON line per record the moment it completes. writeSync hands the bytes to
 * the kernel before returning, so a crash or SIGKILL of this process loses nothing that
 * completed (at most a torn last line if the kernel itself dies mid-write). The file is
 * created exclusively: a run never overwrites an earlier run's file.
 */
export function openRawSink(path: string): RawSink {
  const fd = openSync(path, 'wx')
  let count = 0
  let open = true
  return {
    path,
    write(record) {
      writeSync(fd, `${JSON.stringify(record)}\n`)
      count++
    },
    close() {
      if (!open) return
      open = false
      fsyncSync(fd)
      closeSync(fd)
    },
    written: () => count,
  }
}
