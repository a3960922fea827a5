/**
 * A peer id short enough for a table yet still telling nodes apart:
 * libp2p ids share their prefix (`12D3KooW`), so the tail is kept.
 * `12D3KooWQa1z…Yz1abc`. Ids of 20 chars or fewer are shown whole.
 */
export function shortId(id: string): string {
  return id.length <= 20 ? id : `${id.slice(0, 12)}…${id.slice(-6)}`
}
