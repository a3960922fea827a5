/**
 * An error the admin server answers with: an HTTP status plus the
 * `{ error: { code, message } }` body the CLI prints. Thrown inside request
 * handling only; it never leaves the server.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError'

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. `Allow` on a 405. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}
