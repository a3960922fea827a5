import { decodeMessage, encodeMessage } from '../wire/codec.js'
import type { WireMessage } from '../wire/messages.js'
import { WireError } from '../wire/WireError.js'
import type { FleetSim } from './FleetSim.js'
import type { Channel, NodeId } from '../types.js'

/**
 * A hostile or buggy peer on a `FleetSim`'s network: it sends whatever it
 * likes (encoded exactly as given, valid or not) and records what the fleet
 * sends back to it. Its transport id is `id`, whatever its messages claim.
 */
export class Intruder {
  /** Messages the fleet sent to the intruder, decoded (undecodable ones as `WireError`). */
  readonly received: Array<{ from: NodeId; channel: Channel; message: WireMessage | WireError; bytes: number }> = []

  constructor(
    private readonly sim: FleetSim,
    readonly id: NodeId = 'intruder',
  ) {
    sim.net.register(id, (from, packet) => {
      const message = decodeMessage(packet.bytes)
      this.received.push({ from, channel: packet.channel, message, bytes: packet.bytes.byteLength })
    })
  }

  /** One message to node `index` on `channel`. */
  send(index: number, channel: Channel, message: WireMessage | Uint8Array): void {
    this.sim.net.send(this.id, this.sim.node(index).id, { channel, bytes: toBytes(message) })
  }

  /** One message to every node, as a gossip publish. */
  gossip(message: WireMessage | Uint8Array): void {
    this.sim.net.broadcast(this.id, { channel: 'gossip', bytes: toBytes(message) })
  }

  /** Decoded replies of one type. */
  repliesOf<T extends WireMessage['type']>(type: T): Array<Extract<WireMessage, { type: T }>> {
    const out: Array<Extract<WireMessage, { type: T }>> = []
    for (const r of this.received) if (!(r.message instanceof WireError) && r.message.type === type) out.push(r.message as Extract<WireMessage, { type: T }>)
    return out
  }

  /** Stop listening. */
  leave(): void {
    this.sim.net.unregister(this.id)
  }
}

function toBytes(message: WireMessage | Uint8Array): Uint8Array {
  return message instanceof Uint8Array ? message : encodeMessage(message)
}
