import { describe, expect, it } from 'vitest'
import { multiaddr } from '@multiformats/multiaddr'
import { peerAddrs, withoutPeerId } from './peerAddrs.js'

const A = '12D3KooWSiREHvxsfrdqaKt7o1dX5CQFkZnrmKjGoLFz9hGJcmX3'
const B = '12D3KooWJaTxcTFRpfaqXv7dtqZ2i3S78hYCYkmh6bs624nqnd15'

describe('peerAddrs', () => {
  it("keeps the peer's own and bare addresses without /p2p/, skips another peer's and malformed ones", () => {
    const out = peerAddrs(A, [`/ip4/10.0.0.1/tcp/1/p2p/${A}`, '/ip4/10.0.0.2/tcp/2', `/ip4/10.0.0.3/tcp/3/p2p/${B}`, 'not an addr', '/ip4/999.1.1.1/tcp/1'])
    expect(out.map((ma) => ma.toString())).toEqual(['/ip4/10.0.0.1/tcp/1', '/ip4/10.0.0.2/tcp/2'])
  })

  it('withoutPeerId leaves a bare address as it is', () => {
    expect(withoutPeerId(multiaddr(`/ip6/::1/tcp/9/p2p/${A}`)).toString()).toBe('/ip6/::1/tcp/9')
    expect(withoutPeerId(multiaddr('/ip6/::1/tcp/9')).toString()).toBe('/ip6/::1/tcp/9')
  })
})
