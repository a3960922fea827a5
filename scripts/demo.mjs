#!/usr/bin/env node
// `npm run demo`: five breaker-mesh nodes as separate processes on loopback, each
// calling one flaky upstream through the breaker "upstream". The upstream starts
// failing, one node trips, the fleet learns it; the upstream recovers, a single
// node probes for the whole fleet, and everyone closes. Prints a timeline and the
// URL of one node's web dashboard, then stops every process it started.
//
//   npm run demo               run the story once and exit
//   npm run demo -- --keep     then keep the fleet up (the upstream fails for 10 s
//                              every minute) until Ctrl-C: watch it in the dashboard
import { createServer } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { spawnTracked } from './lib/children.mjs'
import { followEvents } from './lib/followEvents.mjs'
import { pause, pollUntil } from './lib/poll.mjs'

const CLI = fileURLToPath(new URL('../packages/cli/bin/breaker-mesh.js', import.meta.url))
const USAGE = 'usage: node scripts/demo.mjs [--keep]'
const flags = process.argv.slice(2)
if (flags.some((f) => f !== '--keep')) {
  console.error(`demo: unknown argument ${flags.find((f) => f !== '--keep')}\n${USAGE}`)
  process.exit(2)
}
const KEEP = flags.includes('--keep')
const N = Number(process.env.DEMO_NODES ?? 5)
const RPS = Number(process.env.DEMO_RPS ?? 10)
const t0 = Date.now()
const children = []
const names = new Map() // peer id → node name

const stamp = (t = Date.now()) => `+${((t - t0) / 1000).toFixed(3).padStart(7)}s`
const say = (text, t) => console.log(`${stamp(t)}  ${text}`)

// ---- the flaky upstream (in this process, so every request's arrival time is exact) ----
let failing = false
const arrivals = []
const upstream = createServer((req, res) => {
  arrivals.push(Date.now())
  res.writeHead(failing ? 503 : 200, { 'content-type': 'text/plain' })
  res.end(failing ? 'unavailable' : 'ok')
})

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createNetServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

function startNode(i, seed, target) {
  return new Promise(async (resolve, reject) => {
    const listen = await freePort()
    const admin = await freePort()
    const args = ['start', '--name', `n${i}`, '--fleet', 'demo', '--listen', `127.0.0.1:${listen}`, '--admin', `127.0.0.1:${admin}`,
      '--no-mdns', '--profile', 'local', '--target', target, '--breaker', 'upstream', '--rps', String(RPS)]
    if (seed) args.push('--join', seed)
    const child = spawnTracked(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.once('exit', (code) => reject(new Error(`n${i} exited with ${code} before it was ready:\n${err}`)))
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk) => {
      const m = /^ready (\S+)/m.exec(chunk)
      if (m) {
        names.set(m[1], `n${i}`)
        resolve({ name: `n${i}`, id: m[1], listen: `127.0.0.1:${listen}`, admin: `http://127.0.0.1:${admin}`, child })
      }
    })
  })
}

/** Follow a node's server-sent events. */
function follow(node, onEvent, signal) {
  return followEvents(`${node.admin}/v1/events`, (event) => onEvent(node, event, Date.now()), { signal })
}

async function main() {
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r))
  const target = `http://127.0.0.1:${upstream.address().port}/`
  console.log(`breaker-mesh demo: ${N} nodes, each calling ${target} ${RPS}×/s through breaker "upstream"\n`)

  const first = await startNode(1, null, target)
  const nodes = [first, ...(await Promise.all(Array.from({ length: N - 1 }, (_, k) => startNode(k + 2, first.listen, target))))]
  await pollUntil(
    async () => {
      for (const n of nodes) {
        const view = await (await fetch(`${n.admin}/v1/view`)).json()
        if (view.members.filter((m) => m.status === 'alive').length !== N) return false
      }
      return true
    },
    { timeoutMs: 20_000, intervalMs: 20, what: 'every node to see the whole fleet' },
  )
  say(`fleet up: ${N} nodes see each other (SWIM, profile local)`)
  say(`dashboard of ${first.name}: ${first.admin}/  (every node serves one)`)

  const events = [] // { node, event, at }
  const abort = new AbortController()
  // Each event carries the node's own wall clock at the moment it applied the change (same machine, same clock).
  for (const n of nodes) follow(n, (node, event) => events.push({ node, event, at: event.at }), abort.signal).catch(() => {})
  await pause(300)

  // ---- act 1: the dependency starts failing ----
  failing = true
  const failAt = Date.now()
  say('upstream starts answering 503 to every request')
  const opens = () => events.filter((e) => e.event.type === 'breaker' && e.event.state === 'open')
  await pollUntil(() => new Set(opens().map((e) => e.node.name)).size === N, { timeoutMs: 20_000, intervalMs: 20, what: 'every node to open' })
  const trip = opens().find((e) => e.event.local)
  say(`${trip.node.name} trips the breaker: ${trip.event.reason}`, trip.at)
  for (const e of opens().filter((e) => e !== trip).sort((a, b) => a.at - b.at)) {
    say(`  ${e.node.name} learns it is open, ${(e.at - trip.at).toFixed(0)} ms after the trip — fails fast from now on`, e.at)
  }
  const allOpenAt = Math.max(...opens().map((e) => e.at))
  const hitsWhileFailing = arrivals.filter((t) => t >= failAt && t <= allOpenAt).length

  // ---- act 2: the dependency recovers ----
  await pause(300)
  failing = false
  const recoverAt = Date.now()
  say(`upstream recovers; the fleet keeps rejecting until the cooldown (5 s by default) ends`)
  const closes = () => events.filter((e) => e.event.type === 'breaker' && e.event.state === 'closed' && e.at > recoverAt)
  await pollUntil(() => new Set(closes().map((e) => e.node.name)).size === N, { timeoutMs: 60_000, intervalMs: 20, what: 'every node to close' })
  const probe = events.find((e) => e.event.type === 'breaker' && e.event.state === 'half-open' && e.event.local && e.at > recoverAt)
  const close = closes().find((e) => e.event.local)
  if (probe) say(`${probe.node.name} is the fleet's single prober (rendezvous hash over alive members): half-open`, probe.at)
  const trials = arrivals.filter((t) => t > recoverAt && t <= close.at).length
  say(`${close.node.name}: trial call succeeded → closed. Requests that reached the upstream while the fleet was open: ${trials}`, close.at)
  for (const e of closes().filter((e) => e !== close).sort((a, b) => a.at - b.at)) {
    say(`  ${e.node.name} learns it is closed, ${(e.at - close.at).toFixed(0)} ms later`, e.at)
  }
  abort.abort()

  console.log(`\nsummary: trip → whole fleet open in ${(allOpenAt - trip.at).toFixed(0)} ms; ` +
    `${hitsWhileFailing} failing requests reached the upstream before every node stopped calling; ` +
    `${trials} probe request${trials === 1 ? '' : 's'} during recovery (without fleet-wide half-open: one per node, ${N}).`)
  if (KEEP) await keepUp(first)
}

/** --keep: leave the fleet running, failing the upstream for 10 s a minute, until Ctrl-C. */
async function keepUp(node) {
  console.log(`\nthe fleet stays up: open ${node.admin}/ in a browser. Ctrl-C stops every node.`)
  for (;;) {
    await pause(50_000)
    failing = true
    say('upstream fails for 10 s')
    await pause(10_000)
    failing = false
    say('upstream recovers')
  }
}

async function shutdown(code) {
  await Promise.all(children.map((c) => new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve()
    const force = setTimeout(() => c.kill('SIGKILL'), 3000)
    c.once('exit', () => { clearTimeout(force); resolve() })
    c.kill('SIGTERM')
  })))
  upstream.close()
  upstream.closeAllConnections?.()
  process.exit(code)
}

process.on('SIGINT', () => shutdown(130))
main().then(() => shutdown(0), (err) => { console.error(`demo failed: ${err.stack ?? err}`); shutdown(1) })
