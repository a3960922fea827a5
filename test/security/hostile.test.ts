/**
 * Hostile or buggy key holders on real processes: a bare libp2p peer holding
 * the fleet key (test/fixtures/attacker.mjs) abuses one node. Each test
 * asserts the bound or the counter, and that the fleet keeps working.
 * Times and memory are measured by the `attack` bench suite, not here.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { WIRE_LIMITS } from '@breaker-mesh/core'
import { pollUntil } from '../../scripts/lib/poll.mjs'
import { killAll, viewOf } from '../helpers/processFleet.js'
import { attack, keyedFleet, stats, stillSpreads } from './hostileKit.js'

afterEach(() => killAll())
afterAll(() => killAll())

describe('a key holder that holds half-finished frames (real processes)', () => {
  it('64 streams announcing the largest frame allowed and never finishing it: buffered bytes stay within the per-peer budget, the excess streams are reset and counted', async () => {
    const { key, fleet, target } = await keyedFleet(3)
    const peerBufferBytes = 2 * WIRE_LIMITS.maxMessageBytes // the default: twice the largest frame
    const announce = WIRE_LIMITS.maxMessageBytes - 1
    const r = await attack({ target, key, fleet: 'prod', attack: 'partial-frames', streams: 64, announce, send: announce - 1, holdMs: 2000 })
    expect(r.connected).toBe(true)
    const s = await stats(fleet[0]!)
    expect(s.gossip.dropped['frame-too-large'] ?? 0).toBe(0) // within the frame limit: the budget must do the work
    expect(s.gossip.dropped['frame-budget']).toBeGreaterThan(0)
    expect(s.receiveBufferHighWaterBytes).toBeGreaterThan(0)
    // The high-water mark counts every peer: the attacker's budget plus the few hundred
    // bytes of honest SWIM frames in flight from the other two members at that moment.
    expect(s.receiveBufferHighWaterBytes).toBeLessThanOrEqual(peerBufferBytes + 64 * 1024)
    await stillSpreads(fleet, fleet[1]!, 'after-partial-frames')
  })

  it('frames announced above the limit (8 MiB − 1) are refused at their length prefix, before any byte is buffered', async () => {
    const { key, fleet, target } = await keyedFleet(2)
    await attack({ target, key, fleet: 'prod', attack: 'partial-frames', streams: 16, announce: 8 * 1024 * 1024 - 1, send: 64 * 1024, holdMs: 1000 })
    const s = await stats(fleet[0]!)
    expect(s.gossip.dropped['frame-too-large']).toBeGreaterThan(0)
    expect(s.receiveBufferHighWaterBytes).toBeLessThan(64 * 1024) // only honest SWIM frames were ever held
    await stillSpreads(fleet, fleet[1]!, 'after-oversized-frames')
  })

  it('a frame that stops half-way is cut off after partialFrameTimeoutMs, and counted', async () => {
    const { key, fleet, target } = await keyedFleet(2, { p2pOptions: { partialFrameTimeoutMs: 500 } })
    const run = attack({ target, key, fleet: 'prod', attack: 'partial-frames', streams: 2, announce: 100_000, send: 1000, holdMs: 15_000 })
    // While the attacker still holds its streams open, the node has given up on them.
    await pollUntil(async () => ((await stats(fleet[0]!)).gossip.dropped['frame-stalled'] ?? 0) >= 2, { timeoutMs: 10_000, what: 'both stalled frames to be cut off' })
    await stillSpreads(fleet, fleet[1]!, 'after-stalled-frames')
    await run
  })
})

describe('a key holder that sends junk (real processes)', () => {
  it('30,000 random frames are dropped and counted by reason; the node stays in the fleet and keeps merging', async () => {
    const { key, fleet, target } = await keyedFleet(3)
    const r = await attack({ target, key, fleet: 'prod', attack: 'junk', count: 30_000 })
    expect(r.ok).toBe(true)
    const decodeDrops = async (): Promise<number> =>
      Object.entries((await stats(fleet[0]!)).gossip.dropped)
        .filter(([reason]) => !['send-failed', 'inbox-full', 'frame-budget', 'frame-stalled', 'frame-too-large'].includes(reason))
        .reduce((sum, [, n]) => sum + n, 0)
    // Backpressure, not loss: every junk frame the attacker got out is read, refused and counted.
    await pollUntil(async () => (await decodeDrops()) >= 30_000, { timeoutMs: 30_000, what: 'every junk frame to be counted' })
    await stillSpreads(fleet, fleet[2]!, 'after-junk')
    for (const n of fleet) expect((await viewOf(n)).members.every((m) => m.status === 'alive')).toBe(true)
  })
})
