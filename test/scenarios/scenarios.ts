import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ScenarioFleet, ScenarioView } from './ScenarioFleet.js'

/**
 * The scenario suite of issue 3, written once and run against both
 * transports: `MemoryNetwork` in fake time and real libp2p processes.
 */
export function defineScenarios(label: string, makeFleet: (size: number) => Promise<ScenarioFleet>, size = 5): void {
  describe(`scenarios on ${label}`, () => {
    let fleet: ScenarioFleet

    beforeEach(async () => {
      fleet = await makeFleet(size)
    })
    afterEach(async () => {
      await fleet?.close()
    })

    const breakerOf = (view: ScenarioView, name: string) => view.breakers.find((b) => b.name === name)
    const stateOn = async (i: number, name: string) => breakerOf(await fleet.view(i), name)?.state ?? 'closed'
    const everyNode = async (pred: (i: number) => Promise<boolean>, skip: number[] = []) => {
      for (let i = 0; i < fleet.size(); i++) {
        if (skip.includes(i)) continue
        if (!(await pred(i))) return false
      }
      return true
    }
    const statusOf = async (observer: number, id: string) =>
      (await fleet.view(observer)).members.find((m) => m.id === id)?.status

    it('failures past the threshold on one node open the breaker on every node', async () => {
      const r = await fleet.callMany(0, 'dep', 10, false)
      expect(r.failed).toBeGreaterThanOrEqual(5)
      expect(await stateOn(0, 'dep')).toBe('open')
      await fleet.waitFor(() => everyNode(async (i) => (await stateOn(i, 'dep')) === 'open'), fleet.bounds.propagateMs, 'all nodes open')
      const times = await Promise.all(Array.from({ length: fleet.size() }, (_, i) => fleet.changedAt(i, 'dep', 'open')))
      expect(times.every((t) => t !== undefined)).toBe(true)
      const delays = times.slice(1).map((t) => t! - times[0]!)
      console.log(`[${fleet.label}] trip on n1 applied by the other ${delays.length} nodes after ${delays.map((d) => d.toFixed(1)).join(', ')} ms`)
      // And every node now fails fast.
      for (let i = 1; i < fleet.size(); i++) expect((await fleet.callMany(i, 'dep', 1, true)).rejected).toBe(1)
    })

    it('a killed node is marked dead by every other node within the profile bound', async () => {
      const victim = fleet.size() - 1
      const id = fleet.id(victim)
      await fleet.kill(victim)
      const ms = await fleet.waitFor(() => everyNode(async (i) => (await statusOf(i, id)) === 'dead', [victim]), fleet.bounds.deadMs, 'dead everywhere')
      console.log(`[${fleet.label}] SIGKILL → dead on all others after ${ms.toFixed(0)} ms (bound ${fleet.bounds.deadMs} ms)`)
    })

    it('a gracefully stopped node is marked left, not dead', async () => {
      const victim = fleet.size() - 1
      const id = fleet.id(victim)
      await fleet.stop(victim)
      const ms = await fleet.waitFor(() => everyNode(async (i) => (await statusOf(i, id)) === 'left', [victim]), fleet.bounds.leftMs, 'left everywhere')
      console.log(`[${fleet.label}] stop → left on all others after ${ms.toFixed(0)} ms`)
    })

    it('a node that joins sees the open breaker before its first call', async () => {
      await fleet.callMany(0, 'dep', 10, false)
      await fleet.waitFor(() => everyNode(async (i) => (await stateOn(i, 'dep')) === 'open'), fleet.bounds.propagateMs, 'all open')
      const fresh = await fleet.add()
      // No waiting here: add() resolves when createMesh() does, which is after the join sync.
      expect(await stateOn(fresh, 'dep')).toBe('open')
      expect((await fleet.callMany(fresh, 'dep', 1, true)).rejected).toBe(1)
    })

    it('after cooldown exactly one trial call reaches the upstream from the whole fleet, then all close', async () => {
      fleet.upstream.setHealthy(false)
      for (let k = 0; k < 6; k++) await fleet.call(0, 'dep')
      await fleet.waitFor(() => everyNode(async (i) => (await stateOn(i, 'dep')) === 'open'), fleet.bounds.propagateMs, 'all open')
      fleet.upstream.setHealthy(true)
      const before = fleet.upstream.hits
      // Every node keeps calling; until a trial succeeds, only the prober may reach the upstream.
      let trial = false
      await fleet.waitFor(async () => {
        const results = await Promise.all(Array.from({ length: fleet.size() }, (_, i) => fleet.call(i, 'dep')))
        trial = results.includes('ok')
        return trial
      }, 20_000, 'a successful trial call')
      expect(fleet.upstream.hits - before).toBe(1)
      await fleet.waitFor(() => everyNode(async (i) => (await stateOn(i, 'dep')) === 'closed'), fleet.bounds.propagateMs + 2000, 'all closed')
    })

    it('concurrent force-open and force-close converge on one winner and show the conflict', async () => {
      let name = ''
      for (let attempt = 0; attempt < 3; attempt++) {
        name = `contested-${attempt}`
        const n = name
        await fleet.concurrently([() => fleet.forceOpen(0, n), () => fleet.forceClose(1, n)])
        await fleet.waitFor(async () => {
          const versions = new Set<string>()
          for (let i = 0; i < fleet.size(); i++) {
            const b = breakerOf(await fleet.view(i), n)
            if (!b) return false
            const vclock = b.version.vclock ? JSON.stringify(Object.entries(b.version.vclock).sort()) : ''
            versions.add(`${b.version.lamport}/${b.version.origin}/${b.override}/${vclock}`)
          }
          return versions.size === 1
        }, fleet.bounds.propagateMs + 2000, 'one version everywhere')
        const views = await Promise.all(Array.from({ length: fleet.size() }, (_, i) => fleet.view(i)))
        const entries = views.map((v) => breakerOf(v, n)!)
        // The winner is the larger (lamport, origin): the same on every node, whichever it is.
        const winner = entries[0]!
        // (Vector clocks are compared too, once every node has merged both writes.)
        for (const e of entries) {
          expect(e).toMatchObject({ override: winner.override, version: { lamport: winner.version.lamport, origin: winner.version.origin } })
        }
        expect(['forced-open', 'forced-closed']).toContain(winner.override)
        if (entries.some((e) => e.concurrent)) return
        // The two writes did not overlap in real time (one saw the other first): try again.
      }
      throw new Error(`no concurrent update was observed for ${name} in 3 attempts`)
    })
  })
}
