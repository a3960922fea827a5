import { printable } from '../format/printable.js'

/** The node answered, with an error (HTTP status ≥ 400) or with something unreadable. Exit code 1. */
export class AdminResponseError extends Error {
  override readonly name = 'AdminResponseError'
  readonly code = 'ERR_ADMIN_RESPONSE'

  constructor(
    /** HTTP status of the answer. */
    readonly status: number,
    /** The node's error code, e.g. 'ERR_INVALID_BREAKER_NAME' ('ERR_BAD_RESPONSE' if unreadable). */
    readonly remoteCode: string,
    /** The node's message, printed with control characters replaced (`printable`). */
    message: string,
  ) {
    super(printable(message))
  }
}
