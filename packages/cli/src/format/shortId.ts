import { printable } from './printable.js'

/**
 * A peer id short enough for a table yet still telling nodes apart:
 * libp2p ids share their prefix (`12D3KooW`), so the tail is kept.
 * `12D3KooWQa1z…Yz1abc`. Ids of 20 chars or fewer are shown whole.
 * Made `printable`: ids come from the network too.
 */
export function shortId(id: string): string {
  return printable(id.length <= 20 ? id : `${id.slice(0, 12)}…${id.slice(-6)}`)
}
