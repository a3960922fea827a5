/** The command line asked for something impossible (bad value, missing companion flag). Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
  readonly code = 'ERR_USAGE'
}
