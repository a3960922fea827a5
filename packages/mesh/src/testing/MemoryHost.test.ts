/**
 * The in-memory `P2PHost` keeps the contract the mesh relies on: connection
 * events on both sides, messages with their sender and channel, coded errors,
 * partitions that carry nothing, and a stop that closes everything.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { waitFor } from '../fixtures/meshHarness.js'
import { MemoryHostNetwork } from './MemoryHostNetwork.js'

const text = (s: string) => new TextEncoder().encode(s)
const str = (b: Uint8Array) => new TextDecoder().decode(b)

describe('MemoryHost', () => {
  let net: MemoryHostNetwork
  afterEach(async () => {
    await net.close()
  })

  it('connects through a seed, announces it on both sides, and carries swim, sync and gossip', async () => {
    net = new MemoryHostNetwork()
    const a = net.host({ id: 'a' })
    const b = net.host({ id: 'b', seeds: ['a', 'nobody'] })
    const ups: string[] = []
    a.onPeerConnected((p, addrs) => ups.push(`a<-${p} ${addrs.join()}`))
    b.onPeerConnected((p) => ups.push(`b<-${p}`))
    const got: string[] = []
    a.onMessage((from, channel, bytes) => got.push(`${from} ${channel} ${str(bytes)}`))
    expect(await b.dialSeeds()).toEqual(['a'])
    await waitFor('both connected events', () => ups.length === 2)
    expect(ups.sort()).toEqual(['a<-b /memory/b', 'b<-a'])
    await b.send('a', 'swim', text('ping'))
    await b.send('a', 'sync', text('state'))
    await b.publish(text('record'))
    await waitFor('three messages', () => got.length === 3)
    expect(got.sort()).toEqual(['b gossip record', 'b swim ping', 'b sync state'])
  })

  it('rejects with the host error codes; a partition refuses sends and drops what is in flight', async () => {
    net = new MemoryHostNetwork()
    const a = net.host({ id: 'a' })
    const b = net.host({ id: 'b' })
    await expect(a.send('a', 'swim', text('x'))).rejects.toMatchObject({ code: 'P2P_SELF' })
    await expect(a.send('nobody', 'swim', text('x'))).rejects.toMatchObject({ code: 'P2P_SEND_FAILED' })
    net.partition([['a'], ['b']])
    await expect(a.send('b', 'swim', text('x'))).rejects.toMatchObject({ code: 'P2P_SEND_FAILED' })
    net.heal()
    await a.send('b', 'swim', text('x'))
    expect(b.connectedPeers()).toEqual(['a'])
  })

  it('hangUp and stop close the connection on both sides', async () => {
    net = new MemoryHostNetwork()
    const a = net.host({ id: 'a' })
    const b = net.host({ id: 'b', seeds: ['a'] })
    const downs: string[] = []
    a.onPeerDisconnected((p) => downs.push(`a-/-${p}`))
    b.onPeerDisconnected((p) => downs.push(`b-/-${p}`))
    await b.dialSeeds()
    await a.hangUp('b')
    expect(downs.sort()).toEqual(['a-/-b', 'b-/-a'])
    expect(a.connectedPeers()).toEqual([])
    await b.dialSeeds()
    await b.stop()
    expect(a.connectedPeers()).toEqual([])
    await expect(b.publish(text('x'))).rejects.toMatchObject({ code: 'P2P_STOPPED' })
    expect(await b.dialSeeds()).toEqual([])
    expect(net.get('b')).toBeUndefined()
  })

  it('seedsAllSelf: every seed is this host', () => {
    net = new MemoryHostNetwork()
    expect(net.host({ id: 'solo', seeds: ['solo'] }).seedsAllSelf()).toBe(true)
    expect(net.host({ id: 'x', seeds: ['solo'] }).seedsAllSelf()).toBe(false)
    expect(() => net.host({ id: 'x' })).toThrow(RangeError)
  })
})
