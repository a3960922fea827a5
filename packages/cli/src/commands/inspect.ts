import { AdminClient } from '../AdminClient.js'
import type { CliIo } from '../CliIo.js'
import { AdminResponseError } from '../errors/AdminResponseError.js'
import { formatView } from '../format/formatView.js'
import { printableJson } from '../format/printable.js'
import { isMeshView } from '../isMeshView.js'

export interface InspectOptions {
  /** Base URL of the node's admin API. */
  admin: string
  /** Print the view JSON (the `GET /v1/view` document) instead of tables. */
  json: boolean
}

/** `breaker-mesh inspect`: print one node's view of the fleet. */
export async function inspect(options: InspectOptions, io: CliIo, now: () => number = Date.now): Promise<number> {
  const view = await new AdminClient(options.admin).getJson('/v1/view', io.signal)
  if (!isMeshView(view)) {
    throw new AdminResponseError(200, 'ERR_BAD_RESPONSE', `the node at ${options.admin} answered with something that is not a view`)
  }
  if (options.json) {
    io.stdout.write(`${printableJson(view, 2)}\n`)
    return 0
  }
  io.stdout.write(formatView(view, now()))
  return 0
}
