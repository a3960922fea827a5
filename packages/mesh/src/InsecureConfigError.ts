/**
 * `createMesh()` would expose the node: it listens on a non-loopback address
 * without a fleet key, or serves the admin API on a non-loopback address
 * without an admin token. Set what the message names, or `insecure: true`.
 */
export class InsecureConfigError extends Error {
  readonly code = 'ERR_INSECURE_CONFIG'
  constructor(message: string) {
    super(message)
    this.name = 'InsecureConfigError'
  }
}
