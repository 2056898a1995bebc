// CPU and memory of this process: process.cpuUsage covers every thread (worker threads
// included); heapUsed is the main thread's heap only, RSS the whole process.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

export function cpuMsSince(base: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(base)
  return (used.user + used.system) / 1000
}

let gcFunction: (() => void) | null = null

/** A full GC before a memory reading, so it shows what is retained, not garbage. */
export function collectGarbage(): void {
  if (gcFunction === null) {
    setFlagsFromString('--expose-gc')
    gcFunction = runInNewContext('gc') as () => void
  }
  gcFunction()
}

export interface MemoryReading {
  rssBytes: number
  heapUsedBytes: number
  /** Memory outside the JS heap owned by JS objects: Buffers and typed-array backing stores. */
  externalBytes: number
}

export function readMemory(gc: boolean): MemoryReading {
  if (gc) collectGarbage()
  const usage = process.memoryUsage()
  return { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, externalBytes: usage.external }
}

/** What JS retains: the heap plus the Buffers and typed arrays it points to. */
export function retainedBytes(reading: MemoryReading): number {
  return reading.heapUsedBytes + reading.externalBytes
}
