/**
 * What the hostile-peer tests share: a keyed fleet of real processes, the
 * attacker fixture (test/fixtures/attacker.mjs: a bare libp2p peer holding the
 * fleet key) and the checks that the fleet still works afterwards.
 */
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { formatFleetKey } from '@breaker-mesh/core'
import type { MeshStats } from '@breaker-mesh/mesh'
import { runJsonScript } from '../../scripts/lib/runJsonScript.mjs'
import { forceOpenEverywhere, spawnFleet, viewOf, waitFullMembership } from '../helpers/processFleet.js'
import type { NodeProcess, SpawnOptions } from '../helpers/processFleet.js'

const ATTACKER = fileURLToPath(new URL('../fixtures/attacker.mjs', import.meta.url))

export { viewOf as view }

export const stats = async (n: NodeProcess): Promise<MeshStats> => (await n.command<{ stats: MeshStats }>({ cmd: 'stats' })).stats

export interface AttackResult {
  ok: boolean
  connected: boolean
  written: number
  streamErrors: number
  elapsedMs: number
  error?: string
  /** The attacker's own peer id. */
  id: string | null
}

/** One run of the attacker process; resolves with the result line it prints. */
export function attack(config: Record<string, unknown>): Promise<AttackResult> {
  return runJsonScript<AttackResult>(ATTACKER, config, { timeoutMs: 120_000 })
}

/** A fleet of `n` processes of fleet `prod` holding a new fleet key, fully formed; `target` is node 1's loopback multiaddr. */
export async function keyedFleet(n: number, extra: Omit<SpawnOptions, 'name'> = {}) {
  const key = formatFleetKey(randomBytes(32))
  const fleet = await spawnFleet(n, { fleet: 'prod', fleetKey: key, ...extra })
  await waitFullMembership(fleet)
  return { key, fleet, target: fleet[0]!.loopbackAddr }
}

/** A force-open on `from` reaches every node: the fleet still works. */
export const stillSpreads = (fleet: NodeProcess[], from: NodeProcess, name: string): Promise<void> => forceOpenEverywhere(fleet, from, name)
