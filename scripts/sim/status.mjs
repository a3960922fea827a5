#!/usr/bin/env node
// Formats `scripts/simulate status`: reads, for every node nI, the files the script
// wrote into --dir (nI.pid, nI.json = `breaker-mesh inspect --json` output, nI.err,
// nI.rc) and prints one block per node, or with --json one document:
//   { "nodes": [ { "name", "ip", "pid", "up", "rc", "view", "error" } ], "partition", "netem" }
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { netnsPlan } from './plan.mjs'

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    nodes: { type: 'string' },
    id: { type: 'string' },
    partition: { type: 'string', default: '' },
    json: { type: 'boolean', default: false },
  },
})
const count = Number(values.nodes)
if (!values.dir || !Number.isInteger(count) || count < 1 || !/^\d{1,3}$/.test(values.id ?? '')) {
  process.stderr.write('usage: status.mjs --dir DIR --nodes N --id FLEET_ID [--partition "n1,n2 n3"] [--json]\n')
  process.exit(2)
}

function read(file) {
  try {
    return readFileSync(join(values.dir, file), 'utf8')
  } catch {
    return ''
  }
}

const plan = netnsPlan(Number(values.id))
const nodes = []
for (let i = 1; i <= count; i++) {
  const name = `n${i}`
  const pid = read(`${name}.pid`).trim()
  const node = { name, ip: plan.ip(i), pid: pid === '' ? null : Number(pid), up: pid !== '', rc: null, view: null, error: null }
  if (node.up) {
    const rc = read(`${name}.rc`).trim()
    node.rc = rc === '' ? null : Number(rc)
    const out = read(`${name}.json`)
    if (node.rc === 0) {
      try {
        node.view = JSON.parse(out)
      } catch {
        node.error = `inspect printed no JSON: ${out.slice(0, 200)}`
      }
    } else {
      node.error = (read(`${name}.err`).trim() || out.trim() || `inspect exited ${node.rc}`).split('\n').slice(-3).join(' ')
    }
  } else {
    node.error = 'not running'
  }
  nodes.push(node)
}

const netem = read('netem').split('\n').filter((line) => line.trim() !== '')
const partition = values.partition.trim() === '' ? [] : values.partition.trim().split(/\s+/)

if (values.json) {
  process.stdout.write(`${JSON.stringify({ nodes, partition, netem }, null, 2)}\n`)
  process.exit(nodes.some((n) => n.up && n.view === null) ? 1 : 0)
}

const short = (id) => (typeof id === 'string' && id.length > 12 ? `${id.slice(0, 8)}…${id.slice(-4)}` : String(id))

const lines = []
lines.push(`partition: ${partition.length > 0 ? partition.join(' | ') : 'none'}`)
lines.push(`netem:     ${netem.length > 0 ? netem.join('; ') : 'none'}`)
for (const node of nodes) {
  if (node.view === null) {
    lines.push(`${node.name.padEnd(4)} ${node.ip.padEnd(13)} ${node.up ? 'UNREACHABLE' : 'DOWN'}: ${node.error}`)
    continue
  }
  const view = node.view
  const names = new Map((view.members ?? []).map((m) => [m.id, m.name]))
  const members = (view.members ?? [])
    .slice()
    .sort((a, b) => String(a.name).localeCompare(String(b.name), 'en', { numeric: true }))
    .map((m) => `${m.name}=${m.status}`)
    .join(' ')
  lines.push(`${node.name.padEnd(4)} ${node.ip.padEnd(13)} ${short(view.node?.id)}  members: ${members || '-'}`)
  const breakers = view.breakers ?? []
  if (breakers.length === 0) lines.push(`${''.padEnd(19)}breakers: none`)
  for (const b of breakers) {
    const origin = names.get(b.version?.origin) ?? short(b.version?.origin)
    const override = b.override ? ` (${b.override})` : ''
    const prober = b.prober ? ` prober=${names.get(b.prober) ?? short(b.prober)}` : ''
    const reason = b.reason ? ` "${b.reason}"` : ''
    lines.push(`${''.padEnd(19)}${b.name}: ${b.state}${override} v${b.version?.lamport}@${origin}${prober}${reason}`)
  }
}
process.stdout.write(`${lines.join('\n')}\n`)
process.exit(nodes.some((n) => n.up && n.view === null) ? 1 : 0)
