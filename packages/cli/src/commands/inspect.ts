import { AdminClient } from '../AdminClient.js'
import type { CliIo } from '../CliIo.js'
import { AdminResponseError } from '../errors/AdminResponseError.js'
import { formatBreakerView, formatView } from '../format/formatView.js'
import { printableJson } from '../format/printable.js'
import { isMeshView } from '../isMeshView.js'

export interface InspectOptions {
  /** Base URL of the node's admin API. */
  admin: string
  /** Print the view JSON (the `GET /v1/view` document) instead of tables. */
  json: boolean
  /** Human output for this one breaker: its fleet decision and every member's opinion (ignored with `json`). */
  breaker?: string
}

/**
 * `breaker-mesh inspect`: print one node's view of the fleet; with
 * `--breaker NAME` one breaker and its opinions (a name the node does not
 * list is an error, exit 1). `--json` always prints the whole view document.
 */
export async function inspect(options: InspectOptions, io: CliIo, now: () => number = Date.now): Promise<number> {
  const view = await new AdminClient(options.admin).getJson('/v1/view', io.signal)
  if (!isMeshView(view)) {
    throw new AdminResponseError(200, 'ERR_BAD_RESPONSE', `the node at ${options.admin} answered with something that is not a view`)
  }
  if (options.json) {
    io.stdout.write(`${printableJson(view, 2)}\n`)
    return 0
  }
  if (options.breaker !== undefined) {
    const text = formatBreakerView(view, options.breaker)
    if (text === null) throw new Error(`the node at ${options.admin} lists no breaker ${JSON.stringify(options.breaker)} (it appears once a node uses it or an operator forces it)`)
    io.stdout.write(text)
    return 0
  }
  io.stdout.write(formatView(view, now()))
  return 0
}
