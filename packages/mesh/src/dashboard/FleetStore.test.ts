import { describe, expect, it } from 'vitest'
import { FleetStore } from './FleetStore.js'
import type { DashView, MeshEvent, MeshStats } from './types.js'

const A = '12D3KooWAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1'
const B = '12D3KooWBbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2'

function view(): DashView {
  return {
    node: { id: A, name: 'n1', fleet: 'default', addrs: [] },
    members: [
      { id: A, name: 'n1', status: 'alive', incarnation: 0, addrs: [], statusAgeMs: 60_000, via: 'self' },
      { id: B, name: 'n2', status: 'alive', incarnation: 2, addrs: [], statusAgeMs: 1_000, via: 'direct' },
    ],
    breakers: [
      {
        name: 'payments-api',
        state: 'closed',
        override: null,
        reason: '',
        prober: null,
        version: { lamport: 3, origin: B, vclock: {} },
        local: { calls: 10, failures: 1, slow: 0 },
        wallTime: 1_000_000,
        concurrent: false,
      },
    ],
  }
}

const breakerEvent = (over: Partial<Extract<MeshEvent, { type: 'breaker' }>> = {}): MeshEvent => ({
  type: 'breaker',
  name: 'payments-api',
  state: 'open',
  previous: 'closed',
  override: null,
  reason: 'failure rate 60%',
  origin: B,
  local: false,
  concurrent: false,
  at: 2_000_000,
  ...over,
})

describe('FleetStore', () => {
  it('patches the view with each event at once and logs transitions in the timeline, newest first', () => {
    const store = new FleetStore()
    let changes = 0
    store.subscribe(() => changes++)
    store.applyView(view(), 10_000)
    store.applyEvent(breakerEvent(), 10_500)
    expect(store.view?.breakers[0]).toMatchObject({ state: 'open', reason: 'failure rate 60%', wallTime: 2_000_000 })
    store.applyEvent({ type: 'member', id: B, name: 'n2', status: 'dead', previous: 'alive', incarnation: 2, at: 2_000_100 }, 11_000)
    expect(store.view?.members[1]?.status).toBe('dead')
    expect(store.memberAgeMs(B, 12_000)).toBe(1_000)
    expect(store.timeline.map((e) => [e.kind, e.subject, e.from, e.to])).toEqual([
      ['member', 'n2', 'alive', 'dead'],
      ['breaker', 'payments-api', 'closed', 'open'],
    ])
    expect(store.timeline[1]?.detail).toBe('by n2: failure rate 60%')
    expect(changes).toBe(3)
  })

  it('adds breakers and members it first hears of by event, and skips non-transitions in the timeline', () => {
    const store = new FleetStore()
    store.applyView(view(), 0)
    store.applyEvent(breakerEvent({ name: 'new-one', previous: null, state: 'closed', override: 'forced-closed', reason: '', local: true, origin: A }), 1)
    expect(store.view?.breakers.find((b) => b.name === 'new-one')).toMatchObject({ state: 'closed', override: 'forced-closed' })
    expect(store.timeline[0]?.detail).toBe('forced-closed, by n1 (this node)')
    // Same state, same override (a prober or reason update): no timeline line.
    store.applyEvent(breakerEvent({ name: 'new-one', previous: 'closed', state: 'closed', override: 'forced-closed' }), 2)
    expect(store.timeline).toHaveLength(1)
    store.applyEvent({ type: 'member', id: 'x', name: '', status: 'alive', previous: null, incarnation: 0, at: 3 }, 3)
    expect(store.view?.members).toHaveLength(3)
    expect(store.timeline[0]?.subject).toBe('x')
  })

  it('derives member ages from statusAgeMs, and none when an older node does not report it', () => {
    const store = new FleetStore()
    store.applyView(view(), 100_000)
    expect(store.memberAgeMs(A, 101_000)).toBe(61_000)
    const old = view()
    delete old.members[1]!.statusAgeMs
    const fresh = new FleetStore()
    fresh.applyView(old, 0)
    expect(fresh.memberAgeMs(B, 5)).toBeUndefined()
  })

  it('on resync logs what changed while the stream was down, marked as such', () => {
    const store = new FleetStore()
    store.applyView(view(), 0)
    const later = view()
    later.members[1]!.status = 'dead'
    later.breakers[0]!.state = 'open'
    later.breakers[0]!.override = 'forced-open'
    later.breakers[0]!.reason = 'incident'
    store.applyView(later, 5000, { resync: true })
    expect(store.timeline.map((e) => [e.subject, e.from, e.to, e.resync])).toEqual([
      ['payments-api', 'closed', 'open', true],
      ['n2', 'alive', 'dead', true],
    ])
    expect(store.timeline[0]?.detail).toBe('forced-open, by n2: incident')
    // A plain poll logs nothing.
    store.applyView(view(), 6000)
    expect(store.timeline).toHaveLength(2)
  })

  it('keeps call-rate history per breaker from stats and the node clock offset from the Date header', () => {
    const store = new FleetStore({ samples: 3 })
    store.applyView(view(), 1000, { serverDate: 4000 })
    expect(store.nodeNow(2000)).toBe(5000)
    const stats = (ok: number, failed: number): MeshStats => ({
      breakers: [{ name: 'payments-api', state: 'closed', transitions: 0, callsOk: ok, callsFailed: failed, rejections: 0 }],
      gossip: { messagesIn: 0, messagesOut: 0, dropped: {}, bytesIn: 0, bytesOut: 0 },
      conflicts: 0,
      refused: {},
      receiveBufferBytes: 0,
      receiveBufferHighWaterBytes: 0,
      table: { records: 1, evicted: 0, collected: 0, lamport: 7 },
      localOnly: { breakers: 0, writes: 0 },
      unconfirmedMembers: 0,
      lastPropagationAgeMs: null,
    })
    store.applyStats(stats(0, 0), 0)
    store.applyStats(stats(8, 2), 2000)
    expect(store.latestRate('payments-api')).toMatchObject({ calls: 5, failures: 1 })
    expect(store.latestRate('unknown')).toBeNull()
    // A breaker gone from the view loses its history.
    const none = view()
    none.breakers = []
    store.applyView(none, 3000)
    expect(store.ratesOf('payments-api')).toEqual([])
  })

  it('caps the timeline', () => {
    const store = new FleetStore({ timelineSize: 5 })
    store.applyView(view(), 0)
    for (let i = 0; i < 20; i++) store.applyEvent(breakerEvent({ name: `b${i}`, previous: null }), i)
    expect(store.timeline).toHaveLength(5)
    expect(store.timeline[0]?.subject).toBe('b19')
  })
})
