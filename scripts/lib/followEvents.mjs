// Follow a node's admin event stream (GET /v1/events, server-sent events): used by
// the demo and by scripts/sim/NetnsFleet.mjs (the loss bench).

/**
 * Fetch `url` as an event stream and call `onEvent(data)` with each event's
 * `data:` parsed as JSON (an event whose data is not JSON is skipped). Resolves
 * when the server ends the stream, or quietly when `signal` aborts; rejects on
 * an HTTP error status or a broken connection.
 */
export async function followEvents(url, onEvent, { signal, headers = {} } = {}) {
  let res
  try {
    res = await fetch(url, { signal, headers: { accept: 'text/event-stream', ...headers } })
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`)
    const decoder = new TextDecoder()
    let buffer = ''
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true })
      let end
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
          .join('\n')
        if (data === '') continue
        let event
        try {
          event = JSON.parse(data)
        } catch {
          continue
        }
        onEvent(event)
      }
    }
  } catch (err) {
    if (signal?.aborted) return
    throw err
  }
}
