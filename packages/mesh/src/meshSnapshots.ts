import { effectiveState } from '@breaker-mesh/core'
import type { FleetNode } from '@breaker-mesh/core'
import type { CallStats } from './MeshBreaker.js'
import type { MeshStats, MeshView } from './MeshView.js'
import type { P2PHost } from './p2p/P2PHost.js'
import type { SendTracker } from './SendTracker.js'

/** What a mesh's view and stats are read from (the `Mesh`'s parts). */
export interface SnapshotSource {
  readonly node: FleetNode
  readonly host: P2PHost
  readonly sends: SendTracker
  readonly peerId: string
  readonly name: string
  readonly fleet: string
  addrs(): string[]
  /** Call counters of the breakers this mesh handed out. */
  callStats(name: string): CallStats | undefined
  /** Names of the breakers this mesh handed out. */
  breakerNames(): Iterable<string>
  /** ms (performance.now()) a member's status last changed here, or when this mesh started. */
  statusSince(id: string): number
}

type ViewBreaker = MeshView['breakers'][number]

/**
 * The view (`GET /v1/view`, `inspect --json`): members, then the breakers in
 * the table, then breakers used here that the table does not hold (local
 * only: the table was full; or decided by opinions and written by nobody
 * yet, which an isolated node's is).
 */
export function meshView(src: SnapshotSource): MeshView {
  const { node, peerId } = src
  const table = node.table
  const now = performance.now()
  const connected = new Set(src.host.connectedPeers())
  const fromTable = table.snapshot().map(
    (r): ViewBreaker => ({
      name: r.name,
      state: effectiveState(r),
      override: r.override,
      reason: r.reason,
      prober: r.prober,
      version: { lamport: r.lamport, origin: r.origin, vclock: { ...r.vclock } },
      local: node.localTotals(r.name),
      wallTime: r.wallTime,
      concurrent: table.isConcurrent(r.name),
      localOnly: node.existingBreaker(r.name)?.localOnly ?? false,
      ...node.decision(r.name),
    }),
  )
  const unwritten: ViewBreaker[] = []
  for (const name of src.breakerNames()) {
    const handle = node.existingBreaker(name)
    if (handle === undefined || table.get(name) !== undefined) continue
    const decision = node.decision(name)
    if (!handle.localOnly && decision.decision === 'any') continue // nothing to show beyond `stats()`
    unwritten.push({
      name,
      // local-only: the state this node runs alone; unwritten: the fleet never left closed
      state: handle.localOnly ? handle.state : 'closed',
      override: handle.localOnly ? handle.override : null,
      reason: handle.localOnly ? 'running on this node only: the fleet table is full' : '',
      prober: null,
      version: { lamport: 0, origin: peerId, vclock: {} },
      local: node.localTotals(name),
      wallTime: 0,
      concurrent: false,
      localOnly: handle.localOnly,
      ...decision,
    })
  }
  return {
    node: { id: peerId, name: src.name, fleet: src.fleet, addrs: src.addrs() },
    members: node.swim.members().map((m) => ({
      id: m.id,
      name: m.name,
      status: m.status,
      incarnation: m.incarnation,
      addrs: [...m.addrs],
      statusAgeMs: Math.round(now - src.statusSince(m.id)),
      via: m.id === peerId ? 'self' : connected.has(m.id) ? 'direct' : 'gossip',
      confirmed: node.swim.isConfirmed(m.id),
    })),
    breakers: [...fromTable, ...unwritten],
  }
}

/** The counters of `/v1/stats` and `/metrics`. */
export function meshStats(src: SnapshotSource): MeshStats {
  const { node } = src
  const c = node.counters
  const records = node.table.snapshot()
  // Breakers in the table, then those used here that never changed state (no record yet).
  const names = [...records.map((r) => r.name), ...[...src.breakerNames()].filter((n) => !node.table.get(n))]
  return {
    breakers: names.map((name) => {
      const record = node.table.get(name)
      const handle = node.existingBreaker(name)
      const counters = handle?.counters
      const calls = src.callStats(name)
      const decided = handle !== undefined && handle.local.options.decision !== 'any'
      return {
        name,
        state: record ? effectiveState(record) : (handle?.state ?? 'closed'),
        override: record?.override ?? null,
        transitions: counters?.transitions ?? 0,
        callsOk: counters?.callsOk ?? 0,
        callsFailed: counters?.callsFailed ?? 0,
        rejections: counters?.rejections ?? 0,
        window: node.localTotals(name),
        ...(calls === undefined ? {} : { timeouts: calls.timeouts, ignored: calls.ignored, durations: calls.durations }),
        ...(handle === undefined ? {} : { isolated: handle.isolated, degraded: decided && node.decision(name).fleet.degraded }),
      }
    }),
    gossip: {
      messagesIn: c.messagesIn,
      messagesOut: c.messagesOut,
      dropped: { ...c.dropped, ...src.host.dropped(), ...(src.sends.failures > 0 ? { 'send-failed': src.sends.failures } : {}) },
      bytesIn: c.bytesIn,
      bytesOut: c.bytesOut,
    },
    conflicts: node.table.conflicts,
    table: {
      records: node.table.size,
      evicted: node.table.evicted,
      collected: c.recordsCollected,
      lamport: node.table.lamport,
    },
    localOnly: { breakers: node.localOnlyBreakers().length, writes: c.localOnlyWrites },
    unconfirmedMembers: node.swim.unconfirmedCount,
    refused: { ...src.host.refusals() },
    receiveBufferBytes: src.host.bufferedBytes().now,
    receiveBufferHighWaterBytes: src.host.bufferedBytes().highWater,
    lastPropagationAgeMs: node.lastPropagationAgeMs,
    opinionsHeld: node.opinionsHeld,
  }
}
