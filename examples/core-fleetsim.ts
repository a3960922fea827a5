// examples/core-fleetsim.ts
import assert from 'node:assert/strict'
import { FleetSim } from '@breaker-mesh/core/testing'

const sim = new FleetSim({ size: 50, swim: 'local', seed: 1 }) // 50 nodes in fake time, in this process
assert.ok(sim.runUntil(() => sim.viewsAgree(), 30_000) !== undefined)
sim.partition([0, 1, 2], [3, 4]) // indices; heal with sim.heal()
