/**
 * The soak's short version (the full one, with its RSS slope, is the `soak`
 * bench suite): three real processes under 200 calls/s each while the
 * upstream flaps. The breaker trips and recovers over and over; afterwards the
 * fleet agrees on one version, every vector clock names only members, and
 * nothing was dropped as malformed. No timing or memory is asserted here.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { pollUntil } from '../../scripts/lib/poll.mjs'
import { killAll, spawnFleet, waitFullMembership } from '../helpers/processFleet.js'
import { stats, view } from './hostileKit.js'

afterEach(() => killAll())
afterAll(() => killAll())

describe('soak, short (real processes)', () => {
  it('20 s of 200 calls/s per node with a flapping upstream: repeated trips and recoveries, then one agreed version and bounded state', async () => {
    const fleet = await spawnFleet(3, { fleet: 'soak' })
    await waitFullMembership(fleet)
    await Promise.all(fleet.map((n) => n.command({ cmd: 'load', name: 'soak', rps: 200, failureRate: 0.6, phaseMs: 4000 })))
    // Run until the breaker has gone round the cycle a few times: trips, fleet-wide probes and
    // closes, written by whichever node made them (each node counts the transitions it wrote).
    await pollUntil(
      async () => {
        let written = 0
        for (const n of fleet) written += (await stats(n)).breakers.find((x) => x.name === 'soak')?.transitions ?? 0
        return written >= 6
      },
      { timeoutMs: 90_000, intervalMs: 500, what: 'at least 6 transitions of `soak` written in the fleet (two trip-probe-close cycles)' },
    )
    await Promise.all(fleet.map((n) => n.command({ cmd: 'load', rps: 0 })))
    const ids = new Set(fleet.map((n) => n.id))
    await pollUntil(
      async () => {
        const versions = new Set<string>()
        for (const n of fleet) {
          const b = (await view(n)).breakers.find((x) => x.name === 'soak')
          versions.add(JSON.stringify(b?.version))
        }
        return versions.size === 1
      },
      { timeoutMs: 20_000, what: 'one version of `soak` on every node' },
    )
    for (const n of fleet) {
      const v = await view(n)
      expect(v.breakers).toHaveLength(1)
      for (const id of Object.keys(v.breakers[0]!.version.vclock)) expect(ids.has(id)).toBe(true)
      expect(v.members.filter((m) => m.status === 'alive')).toHaveLength(3)
      const dropped = (await stats(n)).gossip.dropped
      const malformed = Object.entries(dropped).filter(([reason]) => !['send-failed', 'inbox-full', 'sync-rate'].includes(reason))
      expect(malformed, `${n.name} dropped ${JSON.stringify(dropped)}`).toEqual([])
    }
  })
})
