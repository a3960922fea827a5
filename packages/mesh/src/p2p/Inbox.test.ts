import { describe, expect, it } from 'vitest'
import { Inbox } from './Inbox.js'

const frame = (n = 10) => new Uint8Array(n)
const tick = () => new Promise<void>((r) => setImmediate(r))

/** An inbox whose clock advances `costMs` per delivered frame. */
function inbox(opts: { costMs: number; turnBudgetMs?: number; maxQueuedFrames?: number; maxQueuedBytes?: number }) {
  let t = 0
  const delivered: string[] = []
  const dropped: string[] = []
  const box = new Inbox({
    turnBudgetMs: opts.turnBudgetMs ?? 10,
    maxQueuedFrames: opts.maxQueuedFrames ?? 100,
    maxQueuedBytes: opts.maxQueuedBytes ?? 1 << 20,
    now: () => t,
    deliver: (from, channel) => {
      delivered.push(`${from}:${channel}`)
      t += opts.costMs
    },
    dropped: (from, channel) => void dropped.push(`${from}:${channel}`),
  })
  return { box, delivered, dropped }
}

describe('Inbox', () => {
  it('handles a frame at once while nothing waits and the turn has budget left', () => {
    const { box, delivered } = inbox({ costMs: 1 })
    expect(box.push('a', 'swim', frame(), true)).toBeUndefined()
    expect(delivered).toEqual(['a:swim'])
  })

  it('past the turn budget, frames wait for the next turn, and peers take turns', async () => {
    const { box, delivered } = inbox({ costMs: 4, turnBudgetMs: 10 })
    for (let i = 0; i < 20; i++) box.push('flood', 'gossip', frame(), false)
    box.push('quiet', 'swim', frame(), false)
    // 3 handled inline (0, 4, 8 ms < 10), the rest waits.
    expect(delivered).toHaveLength(3)
    await tick()
    // Next turn: round-robin, so `quiet` is served after one more flood frame, not after 17.
    expect(delivered.indexOf('quiet:swim')).toBe(4)
    expect(delivered.length).toBeLessThan(21)
    while (box.waiting > 0) await tick()
    expect(delivered).toHaveLength(21)
  })

  it('yields between turns: a turn never runs far past its budget', async () => {
    const { box, delivered } = inbox({ costMs: 3, turnBudgetMs: 9 })
    for (let i = 0; i < 100; i++) box.push('p', 'gossip', frame(), false)
    const perTurn: number[] = []
    let last = delivered.length
    while (box.waiting > 0) {
      await tick()
      perTurn.push(delivered.length - last)
      last = delivered.length
    }
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(3)
  })

  it('stream frames over the limit get backpressure that lifts when the queue drains', async () => {
    const { box, delivered } = inbox({ costMs: 100, turnBudgetMs: 1, maxQueuedFrames: 4 })
    box.push('a', 'swim', frame(), true) // inline; spends the budget
    const waits = [1, 2, 3, 4].map(() => box.push('a', 'swim', frame(), true))
    expect(waits.slice(0, 3)).toEqual([undefined, undefined, undefined])
    expect(waits[3]).toBeInstanceOf(Promise)
    let released = false
    void waits[3]!.then(() => (released = true))
    await tick()
    await tick()
    await tick()
    expect(released).toBe(true)
    while (box.waiting > 0) await tick()
    expect(delivered).toHaveLength(5)
  })

  it('gossip over the limit is dropped and counted, never queued without bound', () => {
    const { box, dropped } = inbox({ costMs: 100, turnBudgetMs: 1, maxQueuedFrames: 3 })
    for (let i = 0; i < 10; i++) box.push('a', 'gossip', frame(), false)
    expect(box.waiting).toBe(3)
    expect(dropped).toHaveLength(6)
  })

  it('close releases waiting streams and drops what waits', async () => {
    const { box } = inbox({ costMs: 100, turnBudgetMs: 1, maxQueuedFrames: 1 })
    box.push('a', 'swim', frame(), true)
    box.push('a', 'swim', frame(), true)
    const wait = box.push('a', 'swim', frame(), true)
    box.close()
    await expect(wait).resolves.toBeUndefined()
    expect(box.waiting).toBe(0)
  })
})
