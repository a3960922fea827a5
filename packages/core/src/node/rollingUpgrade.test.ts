import { Packr, Unpackr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import type { BreakerOptions } from '../breaker/BreakerOptions.js'
import { FleetSim } from '../testing/FleetSim.js'
import type { SimPacket } from '../testing/FleetSim.js'
import type { Channel } from '../types.js'

// A fleet in the middle of a rolling upgrade: half of it runs a newer build
// whose every message carries one more section, of a kind this build does not
// know (say, per-node opinions). This build must keep working with it: merge
// everything it knows from those messages, skip and count the rest.

const OPINIONS = 7 // a section kind this build does not know (layout.ts)
const OPTIONS: BreakerOptions = { failureRate: 50, minimumCalls: 5, window: { kind: 'count', size: 10 }, cooldownMs: 1_000 }

// the codec's own MessagePack settings (codec.ts), so the rest of each message is byte-for-byte what it was
const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false, structuredClone: false, bundleStrings: false })
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true })

/** Nodes 0, 1 and 2 run the newer build. */
const NEWER = new Set([0, 1, 2])

describe('rolling upgrade: nodes of a newer build add a section kind', () => {
  it('older nodes merge everything they know from them, count the unknown sections, and the fleet converges', () => {
    const rewritten = new Map<Channel, number>()
    /** What a node of the newer build sends: the same message with an opinions section among the known ones. */
    const newerBuild = (index: number, packet: SimPacket): SimPacket => {
      if (!NEWER.has(index)) return packet
      const raw = unpackr.unpack(packet.bytes) as unknown[]
      const sections = raw[raw.length - 1] as unknown[]
      sections.splice(Math.min(1, sections.length), 0, [OPINIONS, [[`node-00${index + 1}`, 0.73, 'dep', [true, null]]]])
      rewritten.set(packet.channel, (rewritten.get(packet.channel) ?? 0) + 1)
      return { channel: packet.channel, bytes: packr.pack(raw) }
    }
    const sim = new FleetSim({ size: 6, swim: 'local', seed: 5, rewrite: newerBuild })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000, 20)).toBeDefined()
    for (const i of sim.live()) sim.node(i).breaker('dep', OPTIONS)

    // A trip on a newer node reaches every node (gossip and piggyback from the newer build).
    const dep = sim.node(0).breaker('dep')
    for (let k = 0; k < 5; k++) if (dep.tryAcquire()) dep.record(false, 1)
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).breaker('dep').state === 'open'), 2_000)).toBeDefined()
    // Writes on both builds spread both ways.
    sim.node(4).forceOpen('older-writes')
    sim.node(1).forceClose('newer-writes')
    expect(sim.runUntil(() => sim.tablesAgree() && sim.node(3).table.size === 3, 5_000)).toBeDefined()

    // A node of the older build joins through a newer one: push-pull carries the unknown section too.
    const joiner = sim.add('late')
    expect(sim.runUntil(() => sim.viewsAgree() && sim.tablesAgree(), 30_000, 20)).toBeDefined()
    expect(sim.node(joiner).table.get('newer-writes')?.override).toBe('forced-closed')
    expect(sim.node(joiner).synced).toBe(true)

    // Every channel carried the newer build's messages.
    expect([...rewritten.keys()].sort()).toEqual(['gossip', 'swim', 'sync'])
    // Every node skipped and counted the sections it does not know, and refused nothing else.
    for (const i of sim.live()) {
      const dropped = sim.node(i).counters.dropped
      expect(Object.keys(dropped), `node ${i}`).toEqual(['unknown-section'])
      expect(dropped['unknown-section'], `node ${i}`).toBeGreaterThan(0)
    }
  })
})

// The other way round: this build gossips per-node opinions (section kind 4)
// in a fleet where some nodes run a build from before them. Those nodes skip
// the section (played here by relabelling it, on its way in, as a kind they do
// not know: the decoder skips it exactly as an older one does), decide every
// breaker as `any` did, and keep working with the rest.

const OPINIONS_KIND = 4
const UNKNOWN_TO_OLDER = 30
/** Nodes 3, 4 and 5 run the build from before opinions. */
const OLDER = new Set([3, 4, 5])

describe('rolling upgrade: nodes that do not know opinions in a fleet that gossips them', () => {
  it('keep merging records, skip and count the opinion sections, and the fleet converges; the newer nodes decide by quorum among themselves', () => {
    let relabelled = 0
    const olderBuild = (index: number, packet: SimPacket): SimPacket => {
      if (!OLDER.has(index)) return packet
      const raw = unpackr.unpack(packet.bytes) as unknown[]
      const sections = raw[raw.length - 1] as unknown[][]
      let changed = false
      for (const section of sections) {
        if (section[0] === OPINIONS_KIND) {
          section[0] = UNKNOWN_TO_OLDER
          changed = true
        }
      }
      if (!changed) return packet
      relabelled++
      return { channel: packet.channel, bytes: packr.pack(raw) }
    }
    const sim = new FleetSim({ size: 6, swim: 'local', seed: 6, rewriteIncoming: olderBuild })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000, 20)).toBeDefined()
    const quorum: BreakerOptions = { ...OPTIONS, decision: 'quorum', minReporting: 3, cooldownMs: 60_000 }
    for (const i of sim.live()) sim.node(i).breaker('dep', OLDER.has(i) ? OPTIONS : quorum)
    const call = (i: number, n: number, ok: boolean) => {
      const b = sim.node(i).breaker('dep')
      for (let k = 0; k < n; k++) if (b.tryAcquire()) b.record(ok, 1)
    }
    for (const i of sim.live()) call(i, 5, true)

    // The newer nodes hear each other's opinions; the older ones hold none.
    expect(sim.runUntil(() => [0, 1, 2].every((i) => sim.node(i).decision('dep').fleet.fresh === 3), 5_000)).toBeDefined()
    sim.run(2_000)
    for (const i of OLDER) expect(sim.node(i).opinionsHeld, `node ${i}`).toBe(0)

    // One newer node fails on its own path: isolated; the fleet, older nodes included, stays closed.
    call(0, 5, false)
    expect(sim.node(0).breaker('dep').isolated).toBe(true)
    sim.run(2_000)
    for (const i of sim.live()) expect(sim.node(i).table.get('dep'), `node ${i}`).toBeUndefined()

    // Two more newer nodes fail: 3 of 3 newer opinions, the fleet opens, older nodes included.
    call(1, 5, false)
    call(2, 5, false)
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).breaker('dep').state === 'open'), 3_000)).toBeDefined()

    // Writes of the older build still reach everyone, and an older node's trip opens the fleet as `any` does.
    sim.node(4).reset('dep')
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).breaker('dep').state === 'closed'), 3_000)).toBeDefined()
    call(5, 5, false)
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).breaker('dep').state === 'open'), 3_000)).toBeDefined()
    expect(sim.tablesAgree()).toBe(true)

    // A node of the older build joins through a newer one: push-pull carries opinions it skips.
    const joiner = sim.add('late')
    OLDER.add(joiner)
    expect(sim.runUntil(() => sim.viewsAgree() && sim.tablesAgree(), 30_000, 20)).toBeDefined()
    expect(sim.node(joiner).synced).toBe(true)

    expect(relabelled).toBeGreaterThan(0)
    for (const i of sim.live()) {
      const dropped = sim.node(i).counters.dropped
      if (OLDER.has(i)) {
        expect(Object.keys(dropped), `node ${i}`).toEqual(['unknown-section'])
        expect(dropped['unknown-section'], `node ${i}`).toBeGreaterThan(0)
      } else {
        expect(dropped, `node ${i}`).toEqual({})
      }
    }
  })
})
