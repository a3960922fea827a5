/**
 * The fleet key: a 32-byte pre-shared key in the "swarm key" text format of
 * libp2p private networks (the format of IPFS/kubo's `swarm.key`):
 *
 * ```
 * /key/swarm/psk/1.0.0/
 * /base16/
 * <64 hex digits>
 * ```
 *
 * Parsing is strict: anything else is a `FleetKeyError`, never a silent
 * fallback to no key. Pure: generating a key needs randomness, which the
 * caller brings (`formatFleetKey(randomBytes(32))`).
 */

/** Bytes in a fleet key. */
export const FLEET_KEY_BYTES = 32

const HEADER = '/key/swarm/psk/1.0.0/'
const ENCODING = '/base16/'
const HEX = /^[0-9a-fA-F]{64}$/

/** A fleet key that is missing, empty or not in the swarm-key format. */
export class FleetKeyError extends Error {
  readonly code = 'ERR_INVALID_FLEET_KEY'
  constructor(message: string) {
    super(message)
    this.name = 'FleetKeyError'
  }
}

/** The swarm-key text of a 32-byte key, ending with a newline. */
export function formatFleetKey(key: Uint8Array): string {
  if (!(key instanceof Uint8Array) || key.byteLength !== FLEET_KEY_BYTES) {
    throw new FleetKeyError(`a fleet key is ${FLEET_KEY_BYTES} bytes, got ${key instanceof Uint8Array ? key.byteLength : typeof key}`)
  }
  let hex = ''
  for (const b of key) hex += b.toString(16).padStart(2, '0')
  return `${HEADER}\n${ENCODING}\n${hex}\n`
}

/**
 * The 32 key bytes of `input`: swarm-key text (a string, or the bytes of a key
 * file), or the 32 raw key bytes. Throws `FleetKeyError` saying what is wrong.
 */
export function parseFleetKey(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.byteLength === FLEET_KEY_BYTES) return Uint8Array.from(input)
    return parseFleetKey(new TextDecoder('utf-8', { fatal: false }).decode(input))
  }
  if (typeof input !== 'string') {
    throw new FleetKeyError(`a fleet key is swarm-key text or ${FLEET_KEY_BYTES} bytes, got ${typeof input}`)
  }
  const lines = input.replace(/^\uFEFF/, '').trim().split(/\r\n|\r|\n/)
  if (lines.length === 1 && lines[0] === '') throw new FleetKeyError('the fleet key is empty')
  if (lines[0]?.trim() !== HEADER) {
    throw new FleetKeyError(`not a fleet key: the first line must be ${HEADER} (create a key with \`breaker-mesh keygen\`)`)
  }
  if (lines[1]?.trim() !== ENCODING) {
    throw new FleetKeyError(`not a fleet key: the second line must be ${ENCODING} (other encodings are not supported)`)
  }
  const hex = lines[2]?.trim() ?? ''
  if (!HEX.test(hex)) {
    throw new FleetKeyError(`not a fleet key: the third line must be ${FLEET_KEY_BYTES * 2} hex digits, got ${hex.length} characters`)
  }
  if (lines.length > 3) throw new FleetKeyError('not a fleet key: unexpected text after the key')
  const key = new Uint8Array(FLEET_KEY_BYTES)
  for (let i = 0; i < FLEET_KEY_BYTES; i++) key[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return key
}
