import type { WireMessage } from '../wire/messages.js'
import type { Channel } from '../types.js'

/**
 * Whether `message` may arrive on `channel`: SWIM messages on the swim
 * protocol, push-pull on the sync protocol, deltas on the gossip topic or,
 * answering a `want`, on sync. Anything else is dropped as `wrong-channel`.
 */
export function channelAccepts(channel: Channel, message: WireMessage): boolean {
  switch (message.type) {
    case 'ping':
    case 'ack':
    case 'ping-req':
      return channel === 'swim'
    case 'delta':
      return channel === 'gossip' || channel === 'sync'
    case 'sync-req':
    case 'sync-res':
      return channel === 'sync'
  }
}
