import { describe, expect, it } from 'vitest'
import { FleetSim } from '../testing/FleetSim.js'
import { Intruder } from '../testing/Intruder.js'
import type { SyncRequestMessage } from '../wire/messages.js'

const askAll = (from: string, session: number): SyncRequestMessage => ({
  v: 1, type: 'sync-req', from, join: true, members: [], digest: [], session, part: 0, parts: 1, after: '', through: null,
})

describe('sync answers are budgeted per peer (no amplification)', () => {
  it('a peer asking for the whole table in a loop gets a burst, then sync-rate drops, then the refill rate', () => {
    const sim = new FleetSim({ size: 2, swim: 'local', seed: 5 })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000)).toBeDefined()
    for (let i = 0; i < 200; i++) sim.node(0).forceOpen(`svc-${i}`)
    sim.run(500)
    const evil = new Intruder(sim)
    // 200 requests in 2 s of fake time, each for the whole table (one answer message each here).
    for (let i = 0; i < 200; i++) {
      evil.send(0, 'sync', askAll(evil.id, i + 1))
      sim.run(10)
    }
    const answers = evil.repliesOf('sync-res').length
    // The burst (64) plus about 4 per second over the 2 s, not 200.
    expect(answers).toBeGreaterThanOrEqual(64)
    expect(answers).toBeLessThanOrEqual(64 + 4 * 2 + 1)
    expect(sim.node(0).counters.dropped['sync-rate']).toBe(200 - answers)
    // An honest member's own push-pulls still work meanwhile.
    sim.node(1).forceOpen('still-syncs')
    expect(sim.runUntil(() => sim.node(0).table.get('still-syncs') !== undefined, 10_000)).toBeDefined()
  })
})
