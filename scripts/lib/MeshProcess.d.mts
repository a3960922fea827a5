import { JsonLinesProcess, type JsonLinesProcessOptions, type ProcessEvent } from './JsonLinesProcess.mjs'

/** '/ip4/127.0.0.1/tcp/4321/p2p/…' → '127.0.0.1:4321', the form `join` takes. */
export function seedHostPort(multiaddr: string): string

/** A node process embedding createMesh(), config in argv[2]; its ready event carries `id` and `addrs`. */
export class MeshProcess<E extends ProcessEvent = ProcessEvent> extends JsonLinesProcess<E> {
  constructor(name: string, fixture: string, config: Record<string, unknown>, options?: Omit<JsonLinesProcessOptions<E>, 'args'>)
  /** The peer id, once ready ('' before). */
  readonly id: string
  /** The listen multiaddrs, once ready. */
  readonly addrs: string[]
  /** The /ip4/127.0.0.1/ listen multiaddr. */
  readonly loopbackAddr: string
  /** 'host:port' of the first IPv4 TCP listener, for others to join. */
  readonly hostPort: string
}
