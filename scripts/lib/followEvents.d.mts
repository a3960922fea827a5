/**
 * Follow a server-sent-event stream (a node's GET /v1/events): `onEvent` gets each
 * event's data parsed as JSON. Resolves when the stream ends, or quietly when
 * `signal` aborts; rejects on an HTTP error status or a broken connection.
 */
export function followEvents(
  url: string,
  onEvent: (event: unknown) => void,
  options?: { signal?: AbortSignal; headers?: Record<string, string> },
): Promise<void>
