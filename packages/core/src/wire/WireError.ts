/**
 * Why a received message was rejected.
 *
 * - `too-large`: more bytes than `WIRE_LIMITS.maxMessageBytes` (checked before parsing).
 * - `not-msgpack`: not one complete, well-formed MessagePack value (truncated,
 *   a length beyond the end, trailing bytes, reserved byte 0xc1, a string
 *   that is not strict UTF-8).
 * - `forbidden-type`: a MessagePack type the wire format never uses (map,
 *   binary, any extension such as timestamps or records).
 * - `not-an-object`: the top-level value is not a message envelope (the
 *   envelope is a MessagePack array; see `layout.ts`).
 * - `unsupported-version`: the envelope's version is not `PROTOCOL_VERSION`.
 * - `unknown-type`: unknown message type. (A section of an unknown kind is
 *   not an error: it is skipped and counted, see `layout.ts`.)
 * - `bad-field`: a field is missing, has the wrong type, is out of range, is
 *   empty where it must not be, refers to an unknown node id, or repeats a key;
 *   a known section is repeated, out of kind order, or in a message type that
 *   does not carry it.
 * - `too-many`: an array holds more entries than its `WIRE_LIMITS` count.
 * - `too-long`: a string is longer than its `WIRE_LIMITS` length.
 * - `bad-name`: a breaker name (record, digest entry, wanted name, sync range)
 *   uses a character outside letters, digits and `. _ - : / @`.
 */
export type WireErrorCode =
  | 'too-large'
  | 'not-msgpack'
  | 'forbidden-type'
  | 'not-an-object'
  | 'unsupported-version'
  | 'unknown-type'
  | 'bad-field'
  | 'too-many'
  | 'too-long'
  | 'bad-name'

/**
 * A received message that failed decoding or validation. `decodeMessage`
 * returns it (never throws it): drop the message, count it by `code`, and log
 * it at most once per peer per minute. The sender runs another protocol
 * version, has a bug, or is hostile; nothing in the message may be used.
 */
export class WireError extends Error {
  override readonly name = 'WireError'
  readonly code: WireErrorCode
  /**
   * Where in the decoded message the problem is, with the in-memory field
   * names, e.g. `records[3].vclock` or `updates[0].member.addrs[2]`.
   * Absent for problems with the bytes as a whole.
   */
  readonly field: string | undefined

  constructor(code: WireErrorCode, detail: string, field?: string) {
    super(`wire message rejected (${code}${field === undefined ? '' : ` at ${field}`}): ${detail}`)
    this.code = code
    this.field = field
  }
}
