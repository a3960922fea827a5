import { WireError, type WireErrorCode } from './WireError.js'

/**
 * A decoding failure on its way up (internal). Not an `Error`: no stack trace
 * is captured while it unwinds through the nested readers, each of which only
 * prefixes its position; `decodeMessage` turns it into one `WireError`.
 */
export class Fault {
  constructor(
    readonly code: WireErrorCode,
    public field: string,
    readonly detail: string,
  ) {}

  /** Make `field` relative to the container one level up (`prefix` is `records[3]`, `member`, …). */
  within(prefix: string): Fault {
    const f = this.field
    this.field = f === '' ? prefix : f.charCodeAt(0) === 0x5b /* [ */ ? prefix + f : `${prefix}.${f}`
    return this
  }

  /**
   * The public error. Built without a stack trace: where in the decoder a
   * peer's bytes were refused says nothing useful, and capturing one made
   * each rejection cost ~5 µs, which a peer sending garbage could exploit.
   */
  toError(): WireError {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    try {
      return new WireError(this.code, this.detail, this.field === '' ? undefined : this.field)
    } finally {
      Error.stackTraceLimit = limit
    }
  }

  /** `e` with its field made relative to `prefix` when it is a `Fault`; for `throw Fault.within(e, …)` in a catch. */
  static within(e: unknown, prefix: string): unknown {
    return e instanceof Fault ? e.within(prefix) : e
  }
}
