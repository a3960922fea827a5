/**
 * The fleet key on every connection: libp2p's private-network protector
 * (`@libp2p/pnet`: a nonce exchange, then XSalsa20 over the whole TCP stream
 * with the pre-shared key), plus one plaintext check so that a refused
 * handshake is seen and counted where it happens.
 *
 * After the protector, both sides of every libp2p connection start with the
 * same bytes: multistream-select's header, `\x13/multistream/1.0.0\n`. With
 * the same key those 20 bytes decrypt exactly; with another key, or from a
 * peer without one (its plaintext is read as a nonce and "decrypted"), they
 * are noise. So the first 20 decrypted bytes tell a member from a stranger
 * before any further parsing. No cryptography is added: the check only reads
 * what pnet decrypted.
 */
import { preSharedKey } from '@libp2p/pnet'
import { formatFleetKey } from '@breaker-mesh/core'
import { FleetKeyMismatchError } from './FleetKeyMismatchError.js'

type ProtectorFactory = ReturnType<typeof preSharedKey>
type Protector = ReturnType<ProtectorFactory>
type MaConn = Parameters<Protector['protect']>[0]
type Chunk = { subarray(): Uint8Array }

/** varint(19) + '/multistream/1.0.0\n' */
const MSS_HEADER = Uint8Array.from([19, ...new TextEncoder().encode('/multistream/1.0.0\n')])

/** Why a connection was refused before libp2p saw it. */
export type KeyRefusal = 'fleet-key'

export interface FleetKeyProtectorInit {
  /** The 32 key bytes. */
  key: Uint8Array
  /** ms the nonce exchange may take [1000]. */
  timeoutMs?: number
  /** A handshake failed: the peer has no key or another one. `remote` is its address. */
  onRefused(reason: KeyRefusal, remote: string, detail: string): void
}

export function fleetKeyProtector(init: FleetKeyProtectorInit): ProtectorFactory {
  const psk = new TextEncoder().encode(formatFleetKey(init.key))
  const pnet = preSharedKey({ psk, timeout: init.timeoutMs ?? 1000 })
  return (components) => {
    const inner = pnet(components)
    return {
      [Symbol.toStringTag]: '@breaker-mesh/fleet-key',
      async protect(connection: MaConn, options?: Parameters<Protector['protect']>[1]): Promise<MaConn> {
        const remote = connection.remoteAddr.toString()
        let conn: MaConn
        try {
          conn = await inner.protect(connection, options)
        } catch (err) {
          init.onRefused('fleet-key', remote, `nonce exchange failed: ${err instanceof Error ? err.message : String(err)}`)
          throw err
        }
        return { ...conn, source: checkHeader(conn.source as AsyncIterable<Chunk>, remote, init.onRefused) } as MaConn
      },
    } as Protector
  }
}

async function* checkHeader(
  source: AsyncIterable<Chunk>,
  remote: string,
  onRefused: FleetKeyProtectorInit['onRefused'],
): AsyncGenerator<Chunk> {
  let checked = 0
  for await (const chunk of source) {
    if (checked < MSS_HEADER.length) {
      const bytes = chunk.subarray()
      const n = Math.min(bytes.length, MSS_HEADER.length - checked)
      for (let i = 0; i < n; i++) {
        if (bytes[i] !== MSS_HEADER[checked + i]) {
          onRefused('fleet-key', remote, 'the first bytes did not decrypt with the fleet key')
          throw new FleetKeyMismatchError(remote)
        }
      }
      checked += n
    }
    yield chunk
  }
  if (checked > 0 && checked < MSS_HEADER.length) {
    onRefused('fleet-key', remote, 'the connection ended inside the handshake')
  }
}
