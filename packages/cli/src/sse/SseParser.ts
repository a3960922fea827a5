export interface SseMessage {
  /** The `event:` field; 'message' when absent. */
  event: string
  /** The `data:` lines joined with '\n'. */
  data: string
}

/**
 * Incremental parser of a text/event-stream (the WHATWG format, minus `id`
 * and `retry`, which `watch` does not use). Feed it chunks as they arrive, in
 * any split; it returns the messages completed by each chunk. Comments
 * (heartbeats) and messages without data are skipped. A line longer than
 * `maxLineLength` chars is a protocol error: the stream is not ours.
 */
export class SseParser {
  private buffer = ''
  private event = ''
  private data: string[] = []

  constructor(private readonly maxLineLength = 1024 * 1024) {}

  push(chunk: string): SseMessage[] {
    this.buffer += chunk
    const out: SseMessage[] = []
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer)
      if (!match) break
      // A lone '\r' at the end may be the first half of '\r\n': wait for more.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break
      const line = this.buffer.slice(0, match.index)
      this.buffer = this.buffer.slice(match.index + match[0].length)
      const message = this.line(line)
      if (message) out.push(message)
    }
    if (this.buffer.length > this.maxLineLength) {
      throw new RangeError(`event-stream line longer than ${this.maxLineLength} chars`)
    }
    return out
  }

  private line(line: string): SseMessage | null {
    if (line === '') {
      const message = this.data.length > 0 ? { event: this.event || 'message', data: this.data.join('\n') } : null
      this.event = ''
      this.data = []
      return message
    }
    if (line.startsWith(':')) return null
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') this.event = value
    else if (field === 'data') this.data.push(value)
    return null
  }
}
