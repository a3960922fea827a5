/** A connection refused by the fleet-key check: the peer has no fleet key or another one. */
export class FleetKeyMismatchError extends Error {
  readonly code = 'ERR_FLEET_KEY_MISMATCH'
  constructor(remote: string) {
    super(`connection with ${remote} refused: the peer has no fleet key or another one`)
    this.name = 'FleetKeyMismatchError'
  }
}
