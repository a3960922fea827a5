/**
 * The one seed re-dial loop, in fake time: when it dials (isolated, or a
 * membership gap), how often, and what a round that finds only this node
 * tells the mesh. The real-network side (a node re-joining after its seeds
 * come back, partitions healing) is in the process and netns tests.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Member } from '@breaker-mesh/core'
import { createLogger } from './log.js'
import { SeedRedialer, hasMembershipGap } from './SeedRedialer.js'

const log = createLogger('mesh', { write: () => {} })

function fakeHost() {
  return {
    peers: [] as string[],
    reached: [] as string[],
    allSelf: false,
    dials: 0,
    dialSeeds() {
      this.dials++
      return Promise.resolve(this.reached)
    },
    connectedPeers() {
      return this.peers
    },
    seedsAllSelf() {
      return this.allSelf
    },
  }
}

const member = (id: string, status: Member['status']): Member => ({ id, name: id, status, incarnation: 0, addrs: [] }) as unknown as Member

describe('SeedRedialer', () => {
  const redialers: SeedRedialer[] = []
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    for (const r of redialers.splice(0)) r.stop()
    vi.useRealTimers()
  })

  function start(host: ReturnType<typeof fakeHost>, gap: { value: boolean }, onAlone = () => {}): SeedRedialer {
    const r = new SeedRedialer(host, { isolatedMs: 5000, membershipMs: 10_000, membershipGap: () => gap.value, aloneBySeeds: onAlone, log, now: () => Date.now() })
    redialers.push(r)
    return r
  }

  it('re-dials every isolatedMs while no connection is open, and stops when one is', async () => {
    const host = fakeHost()
    start(host, { value: false })
    await vi.advanceTimersByTimeAsync(4999)
    expect(host.dials).toBe(0) // the host's own start-up round is recent
    await vi.advanceTimersByTimeAsync(1)
    expect(host.dials).toBe(1)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(host.dials).toBe(3)
    host.peers = ['p1']
    await vi.advanceTimersByTimeAsync(60_000)
    expect(host.dials).toBe(3)
  })

  it('re-dials every membershipMs while membership shows a gap, even when connected', async () => {
    const host = fakeHost()
    host.peers = ['p1']
    const gap = { value: true }
    start(host, gap)
    await vi.advanceTimersByTimeAsync(5000)
    expect(host.dials).toBe(0)
    await vi.advanceTimersByTimeAsync(5000)
    expect(host.dials).toBe(1)
    await vi.advanceTimersByTimeAsync(20_000)
    expect(host.dials).toBe(3)
    gap.value = false
    await vi.advanceTimersByTimeAsync(60_000)
    expect(host.dials).toBe(3)
  })

  it('a round that reaches nobody and finds only this node at the seeds reports alone-by-seeds', async () => {
    const host = fakeHost()
    let alone = 0
    const r = start(host, { value: false }, () => alone++)
    expect(await r.dialNow()).toEqual([])
    expect(alone).toBe(0)
    host.allSelf = true
    await r.dialNow()
    expect(alone).toBe(1)
    host.reached = ['p1']
    expect(await r.dialNow()).toEqual(['p1'])
    expect(alone).toBe(1)
  })

  it('a failing round is logged, never thrown', async () => {
    const host = { ...fakeHost(), dialSeeds: () => Promise.reject(new Error('boom')) }
    const r = start(host as unknown as ReturnType<typeof fakeHost>, { value: true })
    expect(await r.dialNow()).toEqual([])
  })

  it('stop ends the loop', async () => {
    const host = fakeHost()
    start(host, { value: true }).stop()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(host.dials).toBe(0)
  })
})

describe('hasMembershipGap', () => {
  const confirmed = (ids: string[]) => (id: string) => ids.includes(id)

  it('alone: no other member alive or suspect', () => {
    expect(hasMembershipGap([member('me', 'alive')], 'me', confirmed([]))).toBe(true)
    expect(hasMembershipGap([member('me', 'alive'), member('b', 'left')], 'me', confirmed(['b']))).toBe(true)
    expect(hasMembershipGap([member('me', 'alive'), member('b', 'suspect')], 'me', confirmed(['b']))).toBe(false)
  })

  it('a dead member this node heard from itself is a gap; one only heard of is not', () => {
    const members = [member('me', 'alive'), member('b', 'alive'), member('c', 'dead')]
    expect(hasMembershipGap(members, 'me', confirmed(['b', 'c']))).toBe(true)
    expect(hasMembershipGap(members, 'me', confirmed(['b']))).toBe(false)
  })
})
