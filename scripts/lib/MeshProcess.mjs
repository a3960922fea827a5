// A node process embedding createMesh() (test/fixtures/mesh-node.mjs or
// scripts/bench/fixtures/bench-node.mjs): a JsonLinesProcess whose config is
// argv[2] as JSON and whose ready event carries the peer id and listen addresses.
import { JsonLinesProcess } from './JsonLinesProcess.mjs'

/** '/ip4/127.0.0.1/tcp/4321/p2p/…' → '127.0.0.1:4321', the form `join` takes. */
export function seedHostPort(multiaddr) {
  const m = /^\/ip4\/([^/]+)\/tcp\/(\d+)/.exec(multiaddr)
  if (!m) throw new Error(`not an /ip4/…/tcp/… multiaddr: ${multiaddr}`)
  return `${m[1]}:${m[2]}`
}

export class MeshProcess extends JsonLinesProcess {
  /** Spawn `fixture` with `config` (createMesh options plus what the fixture reads) as argv[2]. */
  constructor(name, fixture, config, options = {}) {
    super(name, fixture, { ...options, args: [JSON.stringify(config)] })
  }

  /** The peer id, once ready ('' before). */
  get id() {
    return this.readyEvent?.id ?? ''
  }

  /** The listen multiaddrs, once ready. */
  get addrs() {
    return this.readyEvent?.addrs ?? []
  }

  /** The /ip4/127.0.0.1/ listen multiaddr (for a dialler on this machine). */
  get loopbackAddr() {
    const addr = this.addrs.find((a) => a.startsWith('/ip4/127.0.0.1/'))
    if (!addr) throw new Error(`${this.name} has no loopback address (${this.addrs.join(', ')})`)
    return addr
  }

  /** 'host:port' of the first IPv4 TCP listener, for others to join. */
  get hostPort() {
    const addr = this.addrs.find((a) => a.startsWith('/ip4/') && a.includes('/tcp/'))
    if (!addr) throw new Error(`${this.name} has no /ip4/…/tcp/… address (${this.addrs.join(', ')})`)
    return seedHostPort(addr)
  }
}
