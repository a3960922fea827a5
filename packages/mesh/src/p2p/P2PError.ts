/**
 * Why a P2PHost call failed. `send` and `publish` reject with it; the mesh
 * counts the failure and carries on (SWIM retries by design).
 */
export type P2PErrorCode =
  /** The host was stopped; create a new one. */
  | 'P2P_STOPPED'
  /** The message is larger than `maxMessageBytes`; split it or raise the limit on every node. */
  | 'P2P_MESSAGE_TOO_LARGE'
  /** The peer id string is not a libp2p peer id. */
  | 'P2P_BAD_PEER_ID'
  /** A message was addressed to this node itself. */
  | 'P2P_SELF'
  /** The peer was not reached (or did not take the frame) within `sendTimeoutMs`. */
  | 'P2P_SEND_TIMEOUT'
  /** Dial, protocol negotiation or write failed; `cause` holds the libp2p error. */
  | 'P2P_SEND_FAILED'
  /** gossipsub refused the message; `cause` holds its error. */
  | 'P2P_PUBLISH_FAILED'

export class P2PError extends Error {
  override readonly name = 'P2PError'
  readonly code: P2PErrorCode

  constructor(code: P2PErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
