// A set for what is in flight (one member per request, added and deleted at the request
// rate), found by the slot number add() returned. One array that only grows to the peak
// count, whose freed slots are reused: nothing links old storage to new.
//
// Not a Set, on measurement (issue 13): with a Set holding the client's requests in flight,
// once a full GC had run during the load every young-generation GC kept ~1.1 MB alive (c=64,
// 128-token streams) instead of ~0.2 MB, until the next full GC, so the old space grew by
// ~16 MB/s; at 5,000 arrivals/s scavenges paused 4.4 ms on average instead of 1.4. The
// likely cause: a Set rehashes into a new table every few dozen deletions, and V8 keeps a
// pointer from each old table to its successor (for live iterators), so once a full GC has
// promoted one table, every later table and the requests it held outlive the young GCs.

/** Members are never `undefined` (a free slot holds it). */
export class SlotSet<T> {
  readonly #items: Array<T | undefined> = []
  readonly #freeSlots: number[] = []
  #size = 0

  get size(): number {
    return this.#size
  }

  /** Adds `item`; returns its slot, which delete() takes. */
  add(item: T): number {
    this.#size++
    const slot = this.#freeSlots.pop()
    if (slot === undefined) return this.#items.push(item) - 1
    this.#items[slot] = item
    return slot
  }

  /** The member in `slot`, or undefined when the slot is free. */
  get(slot: number): T | undefined {
    return this.#items[slot]
  }

  /**
   * Frees `slot` if it still holds `item`: a second delete of the same member is harmless
   * even after its slot went to another member.
   */
  delete(slot: number, item: T): void {
    if (item === undefined || this.#items[slot] !== item) return
    this.#items[slot] = undefined
    this.#freeSlots.push(slot)
    this.#size--
  }

  /** Frees every slot. */
  clear(): void {
    this.#items.length = 0
    this.#freeSlots.length = 0
    this.#size = 0
  }

  /** The members now, in slot order (a copy: the set may change while it is walked). */
  values(): T[] {
    const members: T[] = []
    for (const item of this.#items) if (item !== undefined) members.push(item)
    return members
  }
}
