import { describe, expect, it } from 'vitest'
import { FakeClock } from './FakeClock.js'
import { MemoryNetwork } from './MemoryNetwork.js'
import type { MemoryNetworkOptions } from './MemoryNetwork.js'
import { seededRandom } from './seededRandom.js'

type Received = Array<{ to: string; from: string; payload: number; at: number }>

function setup(options: Omit<MemoryNetworkOptions, 'clock'> = {}, ids = ['a', 'b', 'c', 'd']) {
  const clock = new FakeClock()
  const net = new MemoryNetwork<number>({ clock, ...options })
  const received: Received = []
  for (const id of ids) net.register(id, (from, payload) => received.push({ to: id, from, payload, at: clock.now() }))
  return { clock, net, received }
}

describe('MemoryNetwork', () => {
  it('delivers after a latency within the configured range', () => {
    const { clock, net, received } = setup({ minLatencyMs: 10, maxLatencyMs: 20 })
    for (let i = 0; i < 100; i++) net.send('a', 'b', i)
    clock.advance(9)
    expect(received).toEqual([])
    clock.advance(11)
    expect(received).toHaveLength(100)
    expect(received.every((r) => r.at >= 10 && r.at <= 20 && r.from === 'a' && r.to === 'b')).toBe(true)
    expect(net.stats()).toMatchObject({ sent: 100, delivered: 100, dropped: 0 })
  })

  it('keeps order with a fixed latency and reorders with random extra delay', () => {
    const fixed = setup({ minLatencyMs: 5, maxLatencyMs: 5 })
    for (let i = 0; i < 50; i++) fixed.net.send('a', 'b', i)
    fixed.clock.advance(10)
    expect(fixed.received.map((r) => r.payload)).toEqual([...Array(50).keys()])

    const shuffled = setup({ minLatencyMs: 5, maxLatencyMs: 5, reorderProbability: 0.5, reorderDelayMs: 50 })
    for (let i = 0; i < 50; i++) shuffled.net.send('a', 'b', i)
    shuffled.clock.advance(100)
    const order = shuffled.received.map((r) => r.payload)
    expect([...order].sort((x, y) => x - y)).toEqual([...Array(50).keys()])
    expect(order).not.toEqual([...Array(50).keys()])
  })

  it('loses about the configured fraction of messages', () => {
    const { clock, net, received } = setup({ lossProbability: 0.2, seed: 3 })
    for (let i = 0; i < 10_000; i++) net.send('a', 'b', i)
    clock.advance(100)
    const stats = net.stats()
    expect(stats.droppedByLoss / stats.sent).toBeGreaterThan(0.18)
    expect(stats.droppedByLoss / stats.sent).toBeLessThan(0.22)
    expect(received.length + stats.dropped).toBe(10_000)
  })

  it('duplicates about the configured fraction of messages', () => {
    const { clock, net, received } = setup({ duplicateProbability: 0.1, seed: 4 })
    for (let i = 0; i < 10_000; i++) net.send('a', 'b', i)
    clock.advance(100)
    const stats = net.stats()
    expect(stats.duplicated / stats.sent).toBeGreaterThan(0.08)
    expect(stats.duplicated / stats.sent).toBeLessThan(0.12)
    expect(received).toHaveLength(10_000 + stats.duplicated)
    expect(stats.delivered).toBe(received.length)
  })

  it('drops messages across partition groups only, and heal restores them', () => {
    const { clock, net, received } = setup({}, ['a', 'b', 'c', 'd', 'e'])
    net.partition([['a', 'b'], ['c']]) // d and e form a third group
    const pairs = [
      ['a', 'b'],
      ['b', 'a'],
      ['a', 'c'],
      ['c', 'b'],
      ['d', 'e'],
      ['d', 'a'],
      ['c', 'e'],
    ] as const
    pairs.forEach(([from, to], i) => net.send(from, to, i))
    clock.advance(10)
    expect(received.map((r) => `${r.from}${r.to}`).sort()).toEqual(['ab', 'ba', 'de'])
    expect(net.stats().droppedByPartition).toBe(4)
    expect(net.canReach('a', 'c')).toBe(false)

    net.heal()
    received.length = 0
    pairs.forEach(([from, to], i) => net.send(from, to, i))
    clock.advance(10)
    expect(received).toHaveLength(pairs.length)
    expect(() => net.partition([['a'], ['a', 'b']])).toThrow(RangeError)
  })

  it('drops a message in flight when a partition starts before it arrives', () => {
    const { clock, net, received } = setup({ minLatencyMs: 10, maxLatencyMs: 10 })
    net.send('a', 'b', 1)
    net.partition([['a'], ['b']])
    clock.advance(20)
    expect(received).toEqual([])
    expect(net.stats().droppedByPartition).toBe(1)
  })

  it('drops messages to an unregistered (crashed) node, including those in flight', () => {
    const { clock, net, received } = setup({ minLatencyMs: 10, maxLatencyMs: 10 })
    net.send('a', 'b', 1)
    net.unregister('b')
    expect(net.send('a', 'b', 2)).toBe(false)
    clock.advance(20)
    expect(received).toEqual([])
    expect(net.stats().droppedUnreachable).toBe(2)
    expect(net.isRegistered('b')).toBe(false)
    expect(net.ids()).toEqual(['a', 'c', 'd'])
  })

  it('broadcasts to every reachable registered node but the sender', () => {
    const { clock, net, received } = setup({}, ['a', 'b', 'c', 'd'])
    net.partition([['a', 'b', 'c'], ['d']])
    expect(net.broadcast('a', 7)).toBe(2)
    clock.advance(10)
    expect(received.map((r) => r.to).sort()).toEqual(['b', 'c'])
  })

  it('applies per-node conditions to that node’s links only', () => {
    const { clock, net, received } = setup({ minLatencyMs: 1, maxLatencyMs: 1 })
    net.setNodeConditions('slow', { minLatencyMs: 100, maxLatencyMs: 100 })
    net.register('slow', (from, payload) => received.push({ to: 'slow', from, payload, at: clock.now() }))
    net.send('a', 'slow', 1)
    net.send('slow', 'b', 2)
    net.send('a', 'b', 3)
    clock.advance(200)
    expect(received.map((r) => [r.payload, r.at])).toEqual([
      [3, 1],
      [1, 100],
      [2, 100],
    ])
    net.setNodeConditions('slow', null)
    received.length = 0
    net.send('a', 'slow', 4)
    clock.advance(5)
    expect(received).toHaveLength(1)
  })

  it('replays exactly with the same seed', () => {
    const run = (seed: number): string => {
      const { clock, net, received } = setup({ lossProbability: 0.3, minLatencyMs: 0, maxLatencyMs: 50, seed })
      for (let i = 0; i < 200; i++) net.send('a', i % 2 === 0 ? 'b' : 'c', i)
      clock.advance(100)
      return received.map((r) => `${r.payload}@${r.at.toFixed(6)}`).join(',')
    }
    expect(run(9)).toBe(run(9))
    expect(run(9)).not.toBe(run(10))
  })

  it('changes conditions at run time and validates them', () => {
    const { net } = setup()
    net.setConditions({ lossProbability: 1 })
    expect(net.send('a', 'b', 1)).toBe(false)
    expect(net.conditions.lossProbability).toBe(1)
    expect(() => net.setConditions({ lossProbability: 1.5 })).toThrow(/lossProbability must be a probability in \[0, 1\], got 1.5/)
    expect(() => net.setConditions({ minLatencyMs: 10, maxLatencyMs: 5 })).toThrow(/maxLatencyMs must be ≥ minLatencyMs/)
    expect(() => net.setNodeConditions('a', { reorderDelayMs: -1 })).toThrow(RangeError)
    expect(() => new MemoryNetwork({ clock: new FakeClock(), random: seededRandom(1), maxLatencyMs: -2 })).toThrow(RangeError)
  })
})

describe('seededRandom', () => {
  it('repeats per seed, stays in [0, 1) and spreads evenly', () => {
    const a = seededRandom(42)
    const b = seededRandom(42)
    const values = Array.from({ length: 10_000 }, () => a())
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(values)
    expect(values.every((x) => x >= 0 && x < 1)).toBe(true)
    const buckets = new Array<number>(10).fill(0)
    for (const x of values) buckets[Math.floor(x * 10)]! += 1
    for (const count of buckets) expect(Math.abs(count - 1000)).toBeLessThan(120)
    expect(seededRandom(43)()).not.toBe(seededRandom(42)())
    expect(() => seededRandom(Number.NaN)).toThrow(RangeError)
  })
})
