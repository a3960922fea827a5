import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest'
import { PeerPresence } from './PeerPresence.js'

function recorder(): { events: string[]; presence: PeerPresence } {
  const events: string[] = []
  const presence = new PeerPresence(1000, {
    connected: (peer, addrs) => events.push(`up ${peer} ${addrs.join(',')}`),
    disconnected: (peer) => events.push(`down ${peer}`),
  })
  return { events, presence }
}

describe('PeerPresence', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('announces a connection once identify tells the listen addrs', () => {
    const { events, presence } = recorder()
    presence.connectionUp('A', () => ['fallback'])
    expect(events).toEqual([])
    presence.identified('A', ['/ip4/1.2.3.4/tcp/1/p2p/A'])
    presence.identified('A', ['/ip4/9.9.9.9/tcp/1/p2p/A']) // identify-push later: no second event
    expect(events).toEqual(['up A /ip4/1.2.3.4/tcp/1/p2p/A'])
    expect(presence.connected()).toEqual(['A'])
  })

  it('falls back to the known addrs when identify does not come in time', () => {
    const { events, presence } = recorder()
    const fallback = vi.fn(() => ['/ip4/1.2.3.4/tcp/1/p2p/A'])
    presence.connectionUp('A', fallback)
    vi.advanceTimersByTime(999)
    expect(events).toEqual([])
    vi.advanceTimersByTime(1)
    expect(events).toEqual(['up A /ip4/1.2.3.4/tcp/1/p2p/A'])
    expect(fallback).toHaveBeenCalledTimes(1)
    presence.identified('A', ['late'])
    expect(events).toHaveLength(1)
  })

  it('pairs every disconnect with a connect, and stays silent for a connection that never got announced', () => {
    const { events, presence } = recorder()
    presence.connectionUp('A', () => [])
    presence.connectionDown('A')
    vi.advanceTimersByTime(5000)
    expect(events).toEqual([])
    presence.connectionUp('A', () => [])
    presence.identified('A', ['a'])
    presence.connectionDown('A')
    presence.connectionDown('A')
    expect(events).toEqual(['up A a', 'down A'])
  })

  it('announces again after a reconnect, once per connection-up', () => {
    const { events, presence } = recorder()
    presence.connectionUp('A', () => [])
    presence.connectionUp('A', () => []) // duplicate connect while pending: ignored
    presence.identified('A', ['a'])
    presence.connectionUp('A', () => []) // second connection while up: ignored
    presence.connectionDown('A')
    presence.connectionUp('A', () => [])
    presence.identified('A', ['a2'])
    expect(events).toEqual(['up A a', 'down A', 'up A a2'])
  })

  it('ignores identify of a peer that is not connecting, and is silent after stop', () => {
    const { events, presence } = recorder()
    presence.identified('B', ['b'])
    presence.connectionUp('A', () => [])
    presence.connectionUp('C', () => [])
    presence.identified('C', ['c'])
    presence.stop()
    vi.advanceTimersByTime(5000)
    presence.connectionDown('C')
    presence.connectionUp('D', () => [])
    presence.identified('D', ['d'])
    expect(events).toEqual(['up C c'])
  })

  it('rejects a negative wait', () => {
    expect(() => new PeerPresence(-1, { connected: () => {}, disconnected: () => {} })).toThrow(RangeError)
  })
})
