/**
 * What a libp2p or gossipsub error means, for the few that the host treats
 * as outcomes rather than failures. libp2p 2 and gossipsub 14 do not give
 * these errors codes the host can rely on, so each is recognised by its text
 * or its class name here, in one place, with a test per case
 * (libp2pErrors.test.ts): a libp2p upgrade that rewords one breaks that test,
 * not the host.
 */

/** Any thrown value as an Error (libp2p callbacks may reject with anything). */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}

/** The message of any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * The dial reached this node itself: libp2p says "Tried to dial self" (dial
 * queue) or "Can not dial self" (connection manager, upgrader). A seed name
 * that resolves to every instance (a headless service) includes this one.
 */
export function isDialSelf(err: unknown): boolean {
  return /dial self/i.test(errorMessage(err))
}

/**
 * A publish that gossipsub refused only because nobody is subscribed yet
 * (`PublishError.NoPeersSubscribedToTopic`); `allowPublishToZeroTopicPeers`
 * should prevent it, so it is not a failure either way.
 */
export function isNoPeersToPublish(err: unknown): boolean {
  return errorMessage(err).includes('NoPeersSubscribedToTopic')
}

/**
 * A publish of bytes gossipsub has already sent (`PublishError.Duplicate`):
 * unsigned messages are identified by content, so the same bytes are out.
 */
export function isDuplicatePublish(err: unknown): boolean {
  return errorMessage(err).includes('Duplicate')
}

/** Class names of the errors that mean a stream ended under the reader: reset, closed, cut short. */
const STREAM_ENDED = new Set(['UnexpectedEOFError', 'StreamResetError', 'StreamStateError'])

/**
 * The inbound stream ended from the other side (reset, closed, or cut short
 * mid-frame): the normal end of a connection, not worth a log line.
 */
export function isStreamEnded(err: unknown): boolean {
  return err instanceof Error && STREAM_ENDED.has(err.name)
}
