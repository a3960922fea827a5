/**
 * The libp2p and gossipsub errors the host treats as outcomes, recognised by
 * text or class name (libp2pErrors.ts). The first cases are the errors as
 * libp2p 2 and gossipsub 14 word them; the last ones make a real node throw
 * them, so an upgrade that rewords one fails here.
 */
import '../polyfill.js'
import { afterEach, describe, expect, it } from 'vitest'
import { createLibp2p } from 'libp2p'
import type { Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { gossipsub } from '@chainsafe/libp2p-gossipsub'
import { errorMessage, isDialSelf, isDuplicatePublish, isNoPeersToPublish, isStreamEnded, toError } from './libp2pErrors.js'
import { gossipsubSettings } from './gossipsubSettings.js'

const named = (name: string, message = 'x'): Error => Object.assign(new Error(message), { name })

describe('libp2p error helpers', () => {
  it('isDialSelf: both wordings libp2p uses, and nothing else', () => {
    expect(isDialSelf(named('DialError', 'Tried to dial self'))).toBe(true)
    expect(isDialSelf(named('InvalidPeerIdError', 'Can not dial self'))).toBe(true)
    expect(isDialSelf(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBe(false)
    expect(isDialSelf('Tried to dial self')).toBe(true) // a thrown string
  })

  it('isNoPeersToPublish and isDuplicatePublish: gossipsub publish errors', () => {
    expect(isNoPeersToPublish(new Error('PublishError.NoPeersSubscribedToTopic'))).toBe(true)
    expect(isDuplicatePublish(new Error('PublishError.Duplicate'))).toBe(true)
    expect(isNoPeersToPublish(new Error('PublishError.Duplicate'))).toBe(false)
    expect(isDuplicatePublish(new Error('PublishError.Uninitialized'))).toBe(false)
  })

  it('isStreamEnded: reset, closed and cut-short streams, by class name', () => {
    for (const name of ['UnexpectedEOFError', 'StreamResetError', 'StreamStateError']) expect(isStreamEnded(named(name)), name).toBe(true)
    expect(isStreamEnded(named('AbortError'))).toBe(false)
    expect(isStreamEnded(new Error('StreamResetError'))).toBe(false) // the name, not the text
    expect(isStreamEnded({ name: 'StreamResetError' })).toBe(false) // not an Error
  })

  it('toError and errorMessage take anything thrown', () => {
    const e = new Error('boom')
    expect(toError(e)).toBe(e)
    expect(toError('boom')).toEqual(new Error('boom'))
    expect(errorMessage(e)).toBe('boom')
    expect(errorMessage(42)).toBe('42')
  })
})

describe('libp2p error helpers against a real libp2p node', () => {
  let node: Libp2p<{ pubsub: ReturnType<ReturnType<typeof gossipsub>> }> | undefined
  afterEach(async () => {
    await node?.stop()
    node = undefined
  })

  async function start(allowZeroPeers: boolean): Promise<NonNullable<typeof node>> {
    node = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify(), pubsub: gossipsub({ ...gossipsubSettings(1024), allowPublishToZeroTopicPeers: allowZeroPeers }) },
    })
    return node
  }

  const caught = async (p: Promise<unknown>): Promise<unknown> =>
    p.then(
      () => undefined,
      (err: unknown) => err,
    )

  it('a dial of its own address is "dial self"', async () => {
    const n = await start(true)
    const err = await caught(n.dial(n.getMultiaddrs()[0]!))
    expect(err).toBeInstanceOf(Error)
    expect(isDialSelf(err)).toBe(true)
  })

  it('publishing the same bytes twice is a duplicate; publishing to nobody (when not allowed) is "no peers"', async () => {
    const n = await start(true)
    n.services.pubsub.subscribe('t')
    const bytes = new TextEncoder().encode('same')
    await n.services.pubsub.publish('t', bytes)
    const dup = await caught(n.services.pubsub.publish('t', bytes))
    expect(isDuplicatePublish(dup)).toBe(true)
    await n.stop()
    const strict = await start(false)
    const none = await caught(strict.services.pubsub.publish('t', new TextEncoder().encode('x')))
    expect(isNoPeersToPublish(none)).toBe(true)
    expect(isDuplicatePublish(none)).toBe(false)
  })
})
