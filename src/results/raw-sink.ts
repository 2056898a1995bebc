import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs'
import type { RequestRecord } from '../types.js'

export interface RawSink {
  write(record: RequestRecord): void
  /** Hands every buffered line to the kernel now (before anything reports them as done). */
  flush(): void
  close(): void
  readonly path: string
  written(): number
}

/**
 * Appends one JSON line per record as it completes. Lines are coalesced per event-loop turn:
 * the records completed in one turn go to the kernel in one writeSync from a setImmediate,
 * which runs in the same turn's check phase, before any timer of the next turn (a progress
 * line) can report them, and `flush()` is called before each progress event anyway. So the
 * crash promise is unchanged for anything a user or a program could see: a SIGKILL loses at
 * most the records completed in the turn it lands in, none of which was reported yet (before
 * the coalescing, it lost at most the one record being serialized). writeSync hands the bytes
 * to the kernel, so only the kernel itself dying can lose more (a torn last line). The file
 * is created exclusively: a run never overwrites an earlier run's file.
 */
export function openRawSink(path: string): RawSink {
  const fd = openSync(path, 'wx')
  let count = 0
  let open = true
  let pending = ''
  let scheduled: NodeJS.Immediate | null = null
  const flush = (): void => {
    if (scheduled !== null) {
      clearImmediate(scheduled)
      scheduled = null
    }
    if (pending === '') return
    const text = pending
    pending = ''
    writeSync(fd, text)
  }
  return {
    path,
    write(record) {
      pending += `${JSON.stringify(record)}\n`
      count++
      // A turn that completes very many records (an overloaded run's not_sent backlog) is
      // written in pieces of about 1 MiB, so the buffer stays small.
      if (pending.length > 1 << 20) flush()
      else if (scheduled === null) scheduled = setImmediate(flush)
    },
    flush,
    close() {
      if (!open) return
      flush()
      open = false
      fsyncSync(fd)
      closeSync(fd)
    },
    written: () => count,
  }
}
