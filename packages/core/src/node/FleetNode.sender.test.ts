import { describe, expect, it } from 'vitest'
import { encodeMessage } from '../wire/codec.js'
import { resolveSwimConfig } from '../membership/SwimConfig.js'
import { FleetNode } from './FleetNode.js'

function node() {
  const sent: Array<{ to: string; channel: string }> = []
  const n = new FleetNode({
    self: { id: 'self', name: 'self', addrs: [] },
    clock: { now: () => 0 },
    wallClock: () => 0,
    swim: resolveSwimConfig('local'),
    transport: { send: (to, channel) => void sent.push({ to, channel }), publish: () => {} },
  })
  return { n, sent }
}

const PING = encodeMessage({ v: 1, type: 'ping', from: 'alice', seq: 1, updates: [] })

describe('FleetNode: a direct message must come from the member it names', () => {
  it('answers a ping whose `from` is the authenticated sender', () => {
    const { n, sent } = node()
    n.receive('alice', 'swim', PING)
    expect(sent).toEqual([{ to: 'alice', channel: 'swim' }])
    expect(n.counters.dropped['sender-mismatch']).toBeUndefined()
  })

  it('drops and counts a SWIM or sync message that names another member as its sender', () => {
    const { n, sent } = node()
    n.receive('mallory', 'swim', PING)
    const sync = encodeMessage({ v: 1, type: 'sync-req', from: 'alice', join: true, members: [], digest: [], session: 1, part: 0, parts: 1, after: '', through: null })
    n.receive('mallory', 'sync', sync)
    expect(sent).toEqual([])
    expect(n.counters.dropped['sender-mismatch']).toBe(2)
    expect(n.swim.member('alice')).toBeUndefined()
  })

  it('accepts gossip forwarded by any neighbour (records name their own writer)', () => {
    const { n } = node()
    const record = {
      name: 'dep', state: 'open' as const, override: null, cooldownMs: 1000, openCount: 1, prober: null,
      reason: 'r', origin: 'alice', lamport: 3, vclock: { alice: 3 }, wallTime: 0,
    }
    n.receive('bob', 'gossip', encodeMessage({ v: 1, type: 'delta', from: 'alice', records: [record] }))
    expect(n.table.get('dep')?.origin).toBe('alice')
  })
})
