#!/usr/bin/env node
// The address plan of a scripts/simulate fleet: the one place that says which
// bridge, namespaces, addresses, ports and state directory fleet K uses.
// scripts/simulate reads it as shell assignments (`plan.mjs shell K`); the Node
// side (scripts/sim/NetnsFleet.mjs, for the tests and the bench) imports it.
//
//   fleet K (BMSIM_ID, 0..255)   subnet 10.213.K.0/24
//   bridge                        bmsimK, 10.213.K.1 (root namespace; the flaky upstream listens there, :8080)
//   node nI (1..100)              namespace bmsim-nI (K = 0) or bmsimK-nI, 10.213.K.(10+I),
//                                 libp2p on :7946, admin API on :7947; host end of its veth: bmsKnI
//   state (logs, pid files)       /tmp/bmsim (K = 0) or /tmp/bmsimK, unless BMSIM_STATE_DIR says otherwise
import { pathToFileURL } from 'node:url'

export const SUBNET_PREFIX = '10.213'
/** nI's address is <subnet>.(NODE_IP_BASE + I); the bridge is <subnet>.1. */
export const NODE_IP_BASE = 10
export const LISTEN_PORT = 7946
export const ADMIN_PORT = 7947
export const UPSTREAM_PORT = 8080
export const MAX_NODES = 100
export const MAX_ID = 255

/** The plan of fleet `id` (an integer from 0 to MAX_ID). */
export function netnsPlan(id) {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw new RangeError(`id must be an integer from 0 to ${MAX_ID}, got ${JSON.stringify(id)}`)
  const net = `${SUBNET_PREFIX}.${id}`
  const nsPrefix = id === 0 ? 'bmsim-' : `bmsim${id}-`
  const node = (i) => {
    if (!Number.isInteger(i) || i < 1 || i > MAX_NODES) throw new RangeError(`node index must be an integer from 1 to ${MAX_NODES}, got ${JSON.stringify(i)}`)
    return i
  }
  const ip = (i) => `${net}.${NODE_IP_BASE + node(i)}`
  return Object.freeze({
    id,
    /** First three octets, e.g. '10.213.5'. */
    net,
    subnet: `${net}.0/24`,
    bridge: `bmsim${id}`,
    bridgeIp: `${net}.1`,
    nsPrefix,
    vethPrefix: `bms${id}n`,
    /** Default state directory (BMSIM_STATE_DIR overrides it). */
    stateDir: id === 0 ? '/tmp/bmsim' : `/tmp/bmsim${id}`,
    /** host:port of the flaky upstream on the bridge. */
    upstream: `${net}.1:${UPSTREAM_PORT}`,
    namespace: (i) => `${nsPrefix}n${node(i)}`,
    veth: (i) => `bms${id}n${node(i)}`,
    ip,
    /** host:port of nI's libp2p listener (n1's is every other node's seed). */
    listen: (i) => `${ip(i)}:${LISTEN_PORT}`,
    /** host:port of nI's admin API. */
    admin: (i) => `${ip(i)}:${ADMIN_PORT}`,
  })
}

/** The plan as shell assignments (for `eval` in scripts/simulate). */
export function shellAssignments(id) {
  const p = netnsPlan(id)
  const vars = {
    NET: p.net,
    SUBNET: p.subnet,
    BRIDGE: p.bridge,
    BRIDGE_IP: p.bridgeIp,
    NS_PREFIX: p.nsPrefix,
    VETH_PREFIX: p.vethPrefix,
    DEFAULT_STATE: p.stateDir,
    NODE_IP_BASE,
    LISTEN_PORT,
    ADMIN_PORT,
    UPSTREAM_PORT,
    MAX_NODES,
  }
  // Every value is [A-Za-z0-9./_-]: no quoting needed, but quote anyway.
  return Object.entries(vars)
    .map(([k, v]) => `${k}='${v}'`)
    .join('\n')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [cmd, id] = process.argv.slice(2)
  if (cmd !== 'shell' || !/^\d{1,3}$/.test(id ?? '')) {
    process.stderr.write('usage: plan.mjs shell ID   (prints the address plan of fleet ID as shell assignments)\n')
    process.exit(2)
  }
  try {
    process.stdout.write(`${shellAssignments(Number(id))}\n`)
  } catch (err) {
    process.stderr.write(`plan.mjs: ${err.message}\n`)
    process.exit(2)
  }
}
