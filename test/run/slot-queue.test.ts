import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createSlotQueue } from '../../src/run/slot-queue.js'

test('grants up to capacity at once, then queues FIFO', async () => {
  const slots = createSlotQueue(2)
  assert.equal(slots.acquire(), true)
  assert.equal(slots.acquire(), true)
  const order: string[] = []
  const third = Promise.resolve(slots.acquire()).then((granted) => order.push(`third:${granted}`))
  const fourth = Promise.resolve(slots.acquire()).then((granted) => order.push(`fourth:${granted}`))
  assert.equal(slots.waiting(), 2)
  slots.release()
  await third
  assert.deepEqual(order, ['third:true'])
  assert.equal(slots.inUse(), 2)
  slots.close()
  await fourth
  assert.deepEqual(order, ['third:true', 'fourth:false'])
  assert.equal(slots.acquire(), false)
})

test('a released slot with no waiter frees capacity', () => {
  const slots = createSlotQueue(1)
  assert.equal(slots.acquire(), true)
  slots.release()
  assert.equal(slots.inUse(), 0)
  assert.equal(slots.acquire(), true)
})
