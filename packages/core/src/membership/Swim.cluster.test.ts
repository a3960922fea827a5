/**
 * 50-node SWIM scenarios over MemoryNetwork in fake time: failure detection,
 * refutation, loss tolerance, join and leave, partition healing. Each runs in
 * well under a few seconds of real time.
 */
import { describe, expect, it } from 'vitest'
import { SwimCluster } from '../testing/SwimCluster.js'
import { resolveSwimConfig } from './SwimConfig.js'
import type { SwimProfileName } from './SwimConfig.js'
import { suspicionTimeout } from './timeouts.js'

const N = 50

describe('Swim cluster (50 nodes, fake time)', () => {
  it.each([
    ['local', 1],
    ['local', 2],
    ['lan', 3],
  ] as Array<[SwimProfileName, number]>)(
    'marks a crashed node dead everywhere within suspicion timeout + 2 probe intervals of the first suspicion (%s, seed %i)',
    (profile, seed) => {
      const config = resolveSwimConfig(profile)
      const cluster = new SwimCluster({ size: N, config, seed })
      cluster.run(5 * config.probeIntervalMs)
      const crashedAt = cluster.clock.now()
      cluster.crash('n7')

      const allDead = cluster.runUntil(() => cluster.everyoneSees('n7', 'dead'), 60 * config.probeIntervalMs)
      expect(allDead).toBe(true)

      const aboutVictim = cluster.events.filter((e) => e.id === 'n7' && e.at >= crashedAt)
      const firstSuspect = aboutVictim.find((e) => e.status === 'suspect')
      expect(firstSuspect).toBeDefined()
      const deaths = aboutVictim.filter((e) => e.status === 'dead')
      const lastDeath = Math.max(...deaths.map((e) => e.at))
      const fromSuspicion = lastDeath - (firstSuspect?.at ?? Infinity)
      const bound = suspicionTimeout(config.suspicionMult, N, config.probeIntervalMs) + 2 * config.probeIntervalMs
      console.info(
        `[${profile} seed ${seed}] crash → first suspect ${(firstSuspect!.at - crashedAt).toFixed(0)} ms, ` +
          `→ dead everywhere ${(lastDeath - crashedAt).toFixed(0)} ms; first suspect → dead everywhere ` +
          `${fromSuspicion.toFixed(0)} ms (bound ${bound.toFixed(0)} ms)`,
      )
      expect(fromSuspicion).toBeLessThanOrEqual(bound)
      expect(new Set(deaths.map((e) => e.observer)).size).toBe(N - 1)
      // Nobody else was harmed.
      expect(cluster.events.filter((e) => e.id !== 'n7' && e.status !== 'alive')).toEqual([])
    },
  )

  it('lets a slow node be suspected and refute, but never marks it dead (local)', () => {
    const config = resolveSwimConfig('local')
    const cluster = new SwimCluster({ size: N, config, seed: 4 })
    cluster.run(3 * config.probeIntervalMs)
    // One-way latency just above the probe timeout on all of n3's links: its
    // round trips outlast the whole probe interval, direct and indirect alike.
    const latency = config.probeTimeoutMs * 1.1
    cluster.network.setNodeConditions('n3', { minLatencyMs: latency, maxLatencyMs: latency * 1.2 })
    cluster.run(30 * config.probeIntervalMs)
    cluster.network.setNodeConditions('n3', null)
    expect(cluster.runUntil(() => cluster.everyoneSees('n3', 'alive'), 20 * config.probeIntervalMs)).toBe(true)

    const aboutSlow = cluster.events.filter((e) => e.id === 'n3')
    expect(aboutSlow.filter((e) => e.status === 'suspect').length).toBeGreaterThan(0)
    expect(aboutSlow.filter((e) => e.status === 'dead')).toEqual([])
    expect(cluster.node('n3').incarnation).toBeGreaterThan(0)
    // Everyone ends on the incarnation n3 itself holds.
    for (const id of cluster.ids()) expect(cluster.node(id).member('n3')?.incarnation).toBe(cluster.node('n3').incarnation)
    expect(cluster.events.filter((e) => e.status === 'dead')).toEqual([])
  })

  it('keeps every healthy node alive through 10 simulated minutes of 5 % message loss (lan profile)', () => {
    const config = resolveSwimConfig('lan')
    const cluster = new SwimCluster({ size: N, config, seed: 5, network: { lossProbability: 0.05 } })
    cluster.run(10 * 60_000)

    const stats = cluster.network.stats()
    expect(stats.droppedByLoss / stats.sent).toBeGreaterThan(0.04)
    expect(stats.droppedByLoss / stats.sent).toBeLessThan(0.06)
    // Loss does cause suspicions (so the test exercises refutation)…
    expect(cluster.events.filter((e) => e.status === 'suspect').length).toBeGreaterThan(0)
    // …but no healthy node is ever declared dead, by anyone.
    expect(cluster.events.filter((e) => e.status === 'dead' || e.status === 'left')).toEqual([])
    for (const id of cluster.ids()) {
      expect(cluster.node(id).members().filter((m) => m.status === 'dead')).toEqual([])
    }
  })

  it.each(['local', 'lan'] as SwimProfileName[])('spreads a joining node to all 50 within 5 × probeInterval × ceil(log10(N+1)) (%s)', (profile) => {
    const config = resolveSwimConfig(profile)
    const cluster = new SwimCluster({ size: N - 1, config, seed: 6 })
    cluster.run(5 * config.probeIntervalMs)
    const joinedAt = cluster.clock.now()
    cluster.add('joiner', 'n11')
    const bound = 5 * config.probeIntervalMs * Math.ceil(Math.log10(N + 1))
    expect(cluster.runUntil(() => cluster.everyoneSees('joiner', 'alive'), bound)).toBe(true)
    console.info(`[${profile}] join known by all ${N} after ${(cluster.clock.now() - joinedAt).toFixed(0)} ms (bound ${bound} ms)`)
    // The joiner learned the whole fleet through its seed's push-pull, and has
    // reached each member itself (confirmed it) within a few probe intervals.
    const joiner = cluster.node('joiner')
    expect(joiner.members()).toHaveLength(N)
    expect(cluster.runUntil(() => joiner.aliveIds().length === N, 10 * config.probeIntervalMs)).toBe(true)
  })

  it('spreads a graceful leave to every node, which then stops probing it', () => {
    const config = resolveSwimConfig('local')
    const cluster = new SwimCluster({ size: N, config, seed: 7 })
    cluster.run(5 * config.probeIntervalMs)
    const leaving = cluster.node('n20')
    const incarnation = leaving.incarnation
    const leftAt = cluster.clock.now()
    cluster.leave('n20')
    expect(leaving.tick(cluster.clock.now())).toEqual([])
    expect(cluster.runUntil(() => cluster.everyoneSees('n20', 'left'), 10 * config.probeIntervalMs)).toBe(true)
    for (const id of cluster.ids()) {
      if (id === 'n20') continue
      expect(cluster.node(id).member('n20')?.incarnation).toBe(incarnation + 1)
      expect(cluster.node(id).aliveIds()).not.toContain('n20')
    }
    // It stays `left` (never suspect or dead) while the others run on.
    cluster.run(20 * config.probeIntervalMs)
    expect(cluster.everyoneSees('n20', 'left')).toBe(true)
    expect(cluster.events.filter((e) => e.id === 'n20' && e.at >= leftAt && e.status !== 'left')).toEqual([])
    expect(cluster.events.filter((e) => e.status === 'dead' || e.status === 'suspect')).toEqual([])
  })

  it('heals a partition: each side marks the other dead, then reconnect merges them back', () => {
    const config = resolveSwimConfig('local')
    const cluster = new SwimCluster({ size: 20, config, seed: 8 })
    cluster.run(5 * config.probeIntervalMs)
    const ids = cluster.ids()
    const left = ids.slice(0, 10)
    const right = ids.slice(10)
    cluster.network.partition([left, right])
    const split = cluster.runUntil(
      () => right.every((id) => cluster.everyoneSees(id, 'dead', left)) && left.every((id) => cluster.everyoneSees(id, 'dead', right)),
      30 * config.probeIntervalMs,
    )
    expect(split).toBe(true)
    // Within a side, nobody was harmed.
    expect(left.every((id) => cluster.everyoneSees(id, 'alive', left))).toBe(true)
    expect(right.every((id) => cluster.everyoneSees(id, 'alive', right))).toBe(true)

    cluster.network.heal()
    const healedAt = cluster.clock.now()
    const merged = cluster.runUntil(() => ids.every((id) => cluster.everyoneSees(id, 'alive')), 3 * config.reconnectIntervalMs)
    expect(merged).toBe(true)
    console.info(`[local] partition healed, all alive everywhere after ${(cluster.clock.now() - healedAt).toFixed(0)} ms`)
  })
})
