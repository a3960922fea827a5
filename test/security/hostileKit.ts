/**
 * What the hostile-peer tests share: a keyed fleet of real processes, the
 * attacker fixture (test/fixtures/attacker.mjs: a bare libp2p peer holding the
 * fleet key) and the checks that the fleet still works afterwards.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { formatFleetKey } from '@breaker-mesh/core'
import type { MeshStats, MeshView } from '@breaker-mesh/mesh'
import { spawnFleet, waitUntil } from '../helpers/processFleet.js'
import type { NodeProcess, SpawnOptions } from '../helpers/processFleet.js'

const ATTACKER = fileURLToPath(new URL('../fixtures/attacker.mjs', import.meta.url))

export const view = async (n: NodeProcess): Promise<MeshView> => (await n.command<{ view: MeshView }>({ cmd: 'view' })).view
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

export function attack(config: Record<string, unknown>): Promise<AttackResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ATTACKER, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as AttackResult)
      } catch {
        reject(new Error(`attacker exited ${code} without a result:\n${out}\n${err}`))
      }
    })
  })
}

export async function keyedFleet(n: number, extra: Omit<SpawnOptions, 'name'> = {}) {
  const key = formatFleetKey(randomBytes(32))
  const fleet = await spawnFleet(n, { fleet: 'prod', fleetKey: key, ...extra })
  await waitUntil(
    async () => {
      for (const node of fleet) if ((await view(node)).members.filter((m) => m.status === 'alive').length !== n) return false
      return true
    },
    20_000,
    'the fleet to form',
  )
  const target = fleet[0]!.addrs.find((a) => a.includes('/ip4/127.0.0.1/'))!
  return { key, fleet, target }
}

/** A force-open on `from` reaches every node: the fleet still works. */
export async function stillSpreads(fleet: NodeProcess[], from: NodeProcess, name: string): Promise<void> {
  await from.command({ cmd: 'force-open', name })
  await waitUntil(
    async () => {
      for (const n of fleet) if ((await view(n)).breakers.find((b) => b.name === name)?.override !== 'forced-open') return false
      return true
    },
    20_000,
    `${name} to reach every node`,
  )
}
