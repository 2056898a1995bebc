import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SlotSet } from '../../src/client/slot-set.js'

test('add returns slots in order, reuses freed ones, and counts members', () => {
  const set = new SlotSet<string>()
  assert.deepEqual(
    ['a', 'b', 'c'].map((item) => set.add(item)),
    [0, 1, 2],
  )
  set.delete(1, 'b')
  assert.equal(set.size, 2)
  assert.equal(set.get(1), undefined)
  // The freed slot goes to the next member; the array does not grow.
  assert.equal(set.add('d'), 1)
  assert.equal(set.add('e'), 3)
  assert.deepEqual(set.values(), ['a', 'd', 'c', 'e'])
  assert.equal(set.size, 4)
})

test('a stale delete leaves the slot to the member that holds it now', () => {
  const set = new SlotSet<string>()
  const slot = set.add('first')
  set.delete(slot, 'first')
  assert.equal(set.add('second'), slot)
  set.delete(slot, 'first') // the first member's second delete
  assert.equal(set.get(slot), 'second')
  assert.equal(set.size, 1)
})

test('values is a copy: members may leave while it is walked', () => {
  const set = new SlotSet<{ name: string; slot: number }>()
  const members = ['x', 'y', 'z'].map((name) => ({ name, slot: -1 }))
  for (const member of members) member.slot = set.add(member)
  const seen: string[] = []
  for (const member of set.values()) {
    seen.push(member.name)
    set.delete(member.slot, member)
  }
  assert.deepEqual(seen, ['x', 'y', 'z'])
  assert.equal(set.size, 0)
  assert.deepEqual(set.values(), [])
})

test('clear frees every slot', () => {
  const set = new SlotSet<number>()
  set.add(7)
  set.add(8)
  set.clear()
  assert.equal(set.size, 0)
  assert.equal(set.add(9), 0)
  assert.deepEqual(set.values(), [9])
})
