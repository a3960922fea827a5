/**
 * Hostile or buggy key holders on real processes: a bare libp2p peer holding
 * the fleet key (test/fixtures/attacker.mjs) abuses one node. Each test
 * asserts the bound or the counter, and that the fleet keeps working.
 * Times and memory are measured by the `attack` bench suite, not here.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { WIRE_LIMITS, formatFleetKey } from '@breaker-mesh/core'
import type { MeshStats, MeshView } from '@breaker-mesh/mesh'
import { killAll, spawnFleet, waitUntil } from '../helpers/processFleet.js'
import type { NodeProcess, SpawnOptions } from '../helpers/processFleet.js'

const ATTACKER = fileURLToPath(new URL('../fixtures/attacker.mjs', import.meta.url))

afterEach(() => killAll())
afterAll(() => killAll())

const view = async (n: NodeProcess): Promise<MeshView> => (await n.command<{ view: MeshView }>({ cmd: 'view' })).view
const stats = async (n: NodeProcess): Promise<MeshStats> => (await n.command<{ stats: MeshStats }>({ cmd: 'stats' })).stats

interface AttackResult {
  ok: boolean
  connected: boolean
  written: number
  streamErrors: number
  elapsedMs: number
  error?: string
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

async function keyedFleet(n: number, extra: Omit<SpawnOptions, 'name'> = {}) {
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
async function stillSpreads(fleet: NodeProcess[], from: NodeProcess, name: string): Promise<void> {
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

describe('a key holder that holds half-finished frames (real processes)', () => {
  it('64 streams announcing the largest frame allowed and never finishing it: buffered bytes stay within the per-peer budget, the excess streams are reset and counted', async () => {
    const { key, fleet, target } = await keyedFleet(3)
    const peerBufferBytes = 2 * WIRE_LIMITS.maxMessageBytes // the default: twice the largest frame
    const announce = WIRE_LIMITS.maxMessageBytes - 1
    const r = await attack({ target, key, fleet: 'prod', attack: 'partial-frames', streams: 64, announce, send: announce - 1, holdMs: 2000 })
    expect(r.connected).toBe(true)
    const s = await stats(fleet[0]!)
    expect(s.gossip.dropped['frame-too-large'] ?? 0).toBe(0) // within the frame limit: the budget must do the work
    expect(s.gossip.dropped['frame-budget']).toBeGreaterThan(0)
    expect(s.receiveBufferHighWaterBytes).toBeGreaterThan(0)
    // The high-water mark counts every peer: the attacker's budget plus the few hundred
    // bytes of honest SWIM frames in flight from the other two members at that moment.
    expect(s.receiveBufferHighWaterBytes).toBeLessThanOrEqual(peerBufferBytes + 64 * 1024)
    await stillSpreads(fleet, fleet[1]!, 'after-partial-frames')
  })

  it('frames announced above the limit (8 MiB − 1) are refused at their length prefix, before any byte is buffered', async () => {
    const { key, fleet, target } = await keyedFleet(2)
    await attack({ target, key, fleet: 'prod', attack: 'partial-frames', streams: 16, announce: 8 * 1024 * 1024 - 1, send: 64 * 1024, holdMs: 1000 })
    const s = await stats(fleet[0]!)
    expect(s.gossip.dropped['frame-too-large']).toBeGreaterThan(0)
    expect(s.receiveBufferHighWaterBytes).toBeLessThan(64 * 1024) // only honest SWIM frames were ever held
    await stillSpreads(fleet, fleet[1]!, 'after-oversized-frames')
  })

  it('a frame that stops half-way is cut off after partialFrameTimeoutMs, and counted', async () => {
    const { key, fleet, target } = await keyedFleet(2, { p2pOptions: { partialFrameTimeoutMs: 500 } })
    const run = attack({ target, key, fleet: 'prod', attack: 'partial-frames', streams: 2, announce: 100_000, send: 1000, holdMs: 15_000 })
    // While the attacker still holds its streams open, the node has given up on them.
    await waitUntil(async () => ((await stats(fleet[0]!)).gossip.dropped['frame-stalled'] ?? 0) >= 2, 10_000, 'both stalled frames to be cut off')
    await stillSpreads(fleet, fleet[1]!, 'after-stalled-frames')
    await run
  })
})

describe('a key holder that sends junk (real processes)', () => {
  it('30,000 random frames are dropped and counted by reason; the node stays in the fleet and keeps merging', async () => {
    const { key, fleet, target } = await keyedFleet(3)
    const r = await attack({ target, key, fleet: 'prod', attack: 'junk', count: 30_000 })
    expect(r.ok).toBe(true)
    const decodeDrops = async (): Promise<number> =>
      Object.entries((await stats(fleet[0]!)).gossip.dropped)
        .filter(([reason]) => !['send-failed', 'inbox-full', 'frame-budget', 'frame-stalled', 'frame-too-large'].includes(reason))
        .reduce((sum, [, n]) => sum + n, 0)
    // Backpressure, not loss: every junk frame the attacker got out is read, refused and counted.
    await waitUntil(async () => (await decodeDrops()) >= 30_000, 30_000, 'every junk frame to be counted')
    await stillSpreads(fleet, fleet[2]!, 'after-junk')
    for (const n of fleet) expect((await view(n)).members.every((m) => m.status === 'alive')).toBe(true)
  })
})
