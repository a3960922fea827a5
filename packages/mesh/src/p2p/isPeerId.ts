import { peerIdFromString } from '@libp2p/peer-id'

/**
 * Whether `id` is a libp2p peer id in its canonical text form (what
 * `PeerId.toString()` gives): the member-id check the fleet node applies to
 * every member it learns (`FleetNodeInit.isValidNodeId`).
 */
export function isPeerId(id: string): boolean {
  try {
    return peerIdFromString(id).toString() === id
  } catch {
    return false
  }
}
