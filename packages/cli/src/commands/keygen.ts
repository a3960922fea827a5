import { randomBytes } from 'node:crypto'
import { FLEET_KEY_BYTES, formatFleetKey } from '@breaker-mesh/core'
import type { CliIo } from '../CliIo.js'

/**
 * `breaker-mesh keygen`: print a new random fleet key in the swarm-key format
 * (`/key/swarm/psk/1.0.0/`, `/base16/`, 64 hex digits). Usage:
 * `breaker-mesh keygen > fleet.key && chmod 600 fleet.key`.
 */
export function keygen(io: CliIo): number {
  io.stdout.write(formatFleetKey(randomBytes(FLEET_KEY_BYTES)))
  return 0
}
