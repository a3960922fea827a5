/**
 * Whether a request's `Origin` header names the admin server itself: the
 * scheme (`http:`), host and port the request came to, as its `Host` header
 * says. The dashboard at `GET /` is served from that origin, so its requests
 * pass; a page from any other origin (a CSRF attempt through the operator's
 * browser) does not. `Origin: null` (sandboxed frames, file: pages) never
 * matches. Hosts compare case-insensitively and a default port written out
 * (`:80`) equals one left out, as URL parsing normalises both.
 *
 * The Host header is the client's to choose, so this alone does not stop DNS
 * rebinding (a hostile name resolved to the node's address): that needs the
 * Host header checked against the names the server answers to.
 */
export function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined || host === '' || origin === 'null') return false
  let from: URL
  let self: URL
  try {
    from = new URL(origin)
    self = new URL(`http://${host}`)
  } catch {
    return false
  }
  // An Origin is scheme://host[:port] and nothing else; anything more is not one a browser sends.
  if (from.username !== '' || from.password !== '' || from.pathname !== '/' || from.search !== '' || from.hash !== '') return false
  if (self.username !== '' || self.pathname !== '/' || self.search !== '') return false
  return from.protocol === 'http:' && from.host === self.host
}
