import type { MeshEvent } from '@breaker-mesh/mesh'
import { AdminClient } from '../AdminClient.js'
import type { CliIo } from '../CliIo.js'
import { formatEvent } from '../format/formatEvent.js'
import { printableJson } from '../format/printable.js'
import { isMeshView } from '../isMeshView.js'
import { SseParser } from '../sse/SseParser.js'

export interface WatchOptions {
  /** Base URL of the node's admin API. */
  admin: string
  /** One JSON object per line (NDJSON), exactly the `data` of each event. */
  json: boolean
}

/**
 * `breaker-mesh watch`: follow a node's breaker and membership changes until
 * the signal aborts (exit 0). If the node goes away the stream is lost:
 * `AdminUnreachableError` (exit 3), so a supervisor can restart the watch.
 */
export async function watch(options: WatchOptions, io: CliIo): Promise<number> {
  const client = new AdminClient(options.admin)
  // Names of peers, to show "n3 (12D3…)" rather than a bare id; kept fresh by member events.
  const names = new Map<string, string>()
  if (!options.json) {
    const view = await client.getJson('/v1/view', io.signal)
    if (isMeshView(view)) {
      for (const m of view.members) names.set(m.id, m.name)
      names.set(view.node.id, view.node.name)
    }
  }
  const parser = new SseParser()
  await client.stream(
    '/v1/events',
    (text) => {
      for (const message of parser.push(text)) {
        if (message.event !== 'breaker' && message.event !== 'member') continue
        let event: MeshEvent
        try {
          event = JSON.parse(message.data) as MeshEvent
        } catch {
          io.stderr.write(`breaker-mesh: skipped an event that is not JSON\n`)
          continue
        }
        if (options.json) {
          io.stdout.write(`${printableJson(event)}\n`)
          continue
        }
        if (event.type === 'member' && typeof event.id === 'string' && typeof event.name === 'string') {
          names.set(event.id, event.name)
        }
        try {
          io.stdout.write(formatEvent(event, names))
        } catch {
          io.stderr.write(`breaker-mesh: skipped a malformed ${message.event} event\n`)
        }
      }
    },
    io.signal,
  )
  return 0
}
