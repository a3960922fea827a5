/** The admin API could not be reached (nothing listening, DNS, timeout, stream cut). Exit code 3. */
export class AdminUnreachableError extends Error {
  override readonly name = 'AdminUnreachableError'
  readonly code = 'ERR_ADMIN_UNREACHABLE'

  constructor(
    /** Base URL of the admin API that was tried. */
    readonly url: string,
    /** The system error code, e.g. 'ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT'. */
    readonly systemCode: string,
    message = `cannot reach the admin API at ${url} (${systemCode}). Is a node running? Set --admin or BREAKER_MESH_ADMIN.`,
  ) {
    super(message)
  }
}
