/**
 * syncOpossum on real processes with the real opossum: one process's tripped
 * circuit opens the fleet breaker, the other processes' circuits reject, the
 * fleet runs one half-open trial at a time, and a successful trial closes
 * every circuit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pollUntil } from '../../scripts/lib/poll.mjs'
import { killAll, spawnFleet } from '../helpers/processFleet.js'
import type { NodeProcess } from '../helpers/processFleet.js'

interface CircuitReply {
  opened: boolean
  halfOpen: boolean
  closed: boolean
  actionCalls: number
  result?: string
  fired?: number
}

interface RecordReply {
  record: { state: string; openCount: number; lamport: number; origin: string; prober: string | null } | null
}

const NAME = 'inventory'

describe('syncOpossum across a fleet of processes', () => {
  let fleet: NodeProcess[] = []
  beforeAll(async () => {
    fleet = await spawnFleet(3)
    // resetTimeout 300 ms, no backoff: a trial every ~300 ms while the upstream stays down.
    await Promise.all(fleet.map((n) => n.command({ cmd: 'opossum', op: 'create', name: NAME, resetTimeout: 300, breakerOptions: { backoffMultiplier: 1 } })))
  })
  afterAll(async () => {
    await killAll()
  })

  const op = (node: NodeProcess, body: Record<string, unknown>): Promise<CircuitReply> => node.command<CircuitReply>({ cmd: 'opossum', name: NAME, ...body })
  const record = async (node: NodeProcess): Promise<RecordReply['record']> => (await node.command<RecordReply>({ cmd: 'record', name: NAME })).record

  it('a tripped circuit on n1 opens the fleet breaker, and n2’s and n3’s circuits reject', async () => {
    const [n1, n2, n3] = fleet as [NodeProcess, NodeProcess, NodeProcess]
    await op(n1, { op: 'down', down: true })
    const fired = await op(n1, { op: 'fire' })
    expect(fired).toMatchObject({ result: 'failed', opened: true })
    await pollUntil(async () => (await op(n2, { op: 'state' })).opened && (await op(n3, { op: 'state' })).opened, { timeoutMs: 15_000, what: 'n2 and n3 circuits to open' })
    expect((await record(n2))?.state).toBe('open')
    for (const node of [n2, n3]) {
      const r = await op(node, { op: 'fire' })
      expect(r).toMatchObject({ result: 'rejected', actionCalls: 0 })
    }
  })

  it('the fleet-wide half-open budget holds: one trial call per re-open, whichever process makes it', async () => {
    const [n1] = fleet as [NodeProcess]
    await Promise.all(fleet.map((n) => op(n, { op: 'down', down: true })))
    const before = await Promise.all(fleet.map((n) => op(n, { op: 'state' })))
    const openCount0 = (await record(n1))?.openCount ?? 0
    await Promise.all(fleet.map((n) => op(n, { op: 'hammer-start', intervalMs: 5 })))
    await pollUntil(async () => ((await record(n1))?.openCount ?? 0) >= openCount0 + 3, { timeoutMs: 30_000, what: 'three failed trials' })
    const stopped = await Promise.all(fleet.map((n) => op(n, { op: 'hammer-stop' })))
    // Let the last outcomes spread: every node holds the same version.
    let final: RecordReply['record'] = null
    await pollUntil(
      async () => {
        const records = await Promise.all(fleet.map((n) => record(n)))
        final = records[0] ?? null
        return records.every((r) => r !== null && r.lamport === final?.lamport && r.origin === final?.origin)
      },
      { timeoutMs: 15_000, what: 'the nodes to agree on the record' },
    )
    const trials = stopped.reduce((sum, s, i) => sum + s.actionCalls - (before[i]?.actionCalls ?? 0), 0)
    const fired = stopped.reduce((sum, s) => sum + (s.fired ?? 0), 0)
    const reopened = (final as RecordReply['record'])!.openCount - openCount0
    expect(reopened).toBeGreaterThanOrEqual(3)
    // Each trial that reached the upstream failed and re-opened the fleet once: never two at a time.
    expect(trials).toBe(reopened)
    // Everything else was refused locally without reaching the upstream.
    expect(fired).toBeGreaterThan(trials)
  })

  it('a successful trial closes the fleet breaker and every process’s circuit', async () => {
    await Promise.all(fleet.map((n) => op(n, { op: 'down', down: false })))
    await Promise.all(fleet.map((n) => op(n, { op: 'hammer-start', intervalMs: 5 })))
    await pollUntil(async () => (await Promise.all(fleet.map((n) => op(n, { op: 'state' })))).every((s) => s.closed), { timeoutMs: 30_000, what: 'every circuit to close' })
    await Promise.all(fleet.map((n) => op(n, { op: 'hammer-stop' })))
    for (const node of fleet) {
      expect((await record(node))?.state).toBe('closed')
      expect((await op(node, { op: 'fire' })).result).toBe('ok')
    }
  })
})
