import { AdminClient } from '../AdminClient.js'
import type { CliIo } from '../CliIo.js'
import { AdminResponseError } from '../errors/AdminResponseError.js'
import { printable } from '../format/printable.js'

export type OverrideAction = 'force-open' | 'force-close' | 'reset'

export interface OverrideOptions {
  /** Base URL of the node's admin API. */
  admin: string
  /** Why (force-open only); shown in every node's view. */
  reason?: string
  /** The node's admin token (read from --token-file), if it has one. */
  token?: string
}

interface OverrideAnswer {
  ok: true
  breaker: { name: string; state: string; override: string | null } | null
}

/**
 * `breaker-mesh force-open|force-close|reset NAME`: write the operator
 * override through one node; the record then reaches the whole fleet.
 * A name the node rejects comes back as `AdminResponseError` (exit 1).
 */
export async function override(action: OverrideAction, name: string, options: OverrideOptions, io: CliIo): Promise<number> {
  const client = new AdminClient(options.admin, options.token === undefined ? {} : { token: options.token })
  const body = options.reason === undefined ? {} : { reason: options.reason }
  const answer = await client.postJson(`/v1/breakers/${encodeURIComponent(name)}/${action}`, body, io.signal)
  if (!isAnswer(answer)) {
    throw new AdminResponseError(200, 'ERR_BAD_RESPONSE', `the node at ${options.admin} answered with an unexpected document`)
  }
  const b = answer.breaker
  const now = b ? `: state ${b.state}, override ${b.override ?? 'none'}` : ''
  io.stdout.write(`${action} ${printable(name)}${now}\n`)
  return 0
}

function isAnswer(value: unknown): value is OverrideAnswer {
  if (typeof value !== 'object' || value === null) return false
  const { ok, breaker } = value as { ok?: unknown; breaker?: unknown }
  if (ok !== true) return false
  if (breaker === null) return true
  if (typeof breaker !== 'object' || breaker === undefined) return false
  const b = breaker as Record<string, unknown>
  return typeof b['state'] === 'string' && (b['override'] === null || typeof b['override'] === 'string')
}
