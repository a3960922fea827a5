// The suites, in the order a run executes them: in-process first, then real
// fleets, ordered so that an idle fleet can pass from one suite to the next
// (propagation → cost → storm → detection all use 10 nodes; see lib/fleetPool.mjs).
import attack from './attack.mjs'
import core from './core.mjs'
import cost from './cost.mjs'
import decision from './decision.mjs'
import detection from './detection.mjs'
import heal from './heal.mjs'
import hotpath from './hotpath.mjs'
import join from './join.mjs'
import loss from './loss.mjs'
import propagation from './propagation.mjs'
import soak from './soak.mjs'
import storm from './storm.mjs'

export const suites = [core, hotpath, propagation, cost, storm, detection, join, heal, loss, attack, soak, decision]
