/**
 * deploy/grafana/breaker-mesh.json queries only metrics, labels and label
 * values that a node exports: the list comes from a real `GET /metrics` of
 * the admin server (default process metrics on), not from a hand-kept list.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AdminTarget } from '../../packages/mesh/src/MeshApi.js'
import { startAdminServer } from '../../packages/mesh/src/admin/AdminServer.js'
import type { AdminServer } from '../../packages/mesh/src/admin/AdminServer.js'

const DASHBOARD = JSON.parse(readFileSync(fileURLToPath(new URL('./breaker-mesh.json', import.meta.url)), 'utf8')) as Dashboard

interface Dashboard {
  uid: string
  templating: { list: Array<{ name: string; type: string; query?: unknown; definition?: string }> }
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }>; gridPos: { x: number; y: number; w: number; h: number } }>
}

/** Labels that Prometheus adds from its scrape target, not the node. */
const TARGET_LABELS = new Set(['instance', 'job', 'pod', 'namespace'])
const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'vector', 'inf', 'nan'])

/** One time series selector in a query: `metric{label="value", …}`. */
interface Selector {
  metric: string
  matchers: Array<{ label: string; op: string; value: string }>
}

/**
 * The series selectors of a PromQL expression. Enough PromQL for these
 * dashboards: function calls and aggregation clauses are skipped, a bare
 * identifier or `identifier{…}` is a metric.
 */
function selectors(expr: string): Selector[] {
  const out: Selector[] = []
  const re = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?(\s*\()?/g
  // Drop grouping label lists and range/duration brackets first.
  const cleaned = expr
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
  for (const m of cleaned.matchAll(re)) {
    const [, name, braces, call] = m
    if (name === undefined || call !== undefined || KEYWORDS.has(name.toLowerCase())) continue
    const before = cleaned.slice(0, m.index)
    if (/[$"]$/.test(before) || /\d$/.test(before)) continue
    const matchers = [...(braces ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map((x) => ({
      label: x[1]!,
      op: x[2]!,
      value: x[3]!,
    }))
    out.push({ metric: name, matchers })
  }
  return out
}

/** Every PromQL text in the dashboard: panel targets and `label_values(…)` variables. */
function queries(): string[] {
  const out: string[] = []
  for (const panel of DASHBOARD.panels) for (const t of panel.targets ?? []) out.push(t.expr)
  for (const v of DASHBOARD.templating.list) {
    const m = /^label_values\((.*),\s*([a-zA-Z_]+)\)$/.exec(v.definition ?? '')
    if (m) out.push(m[1]!)
  }
  return out
}

/** Series of a Prometheus text exposition: name → label → values seen. */
function exported(text: string): Map<string, Map<string, Set<string>>> {
  const series = new Map<string, Map<string, Set<string>>>()
  const types = new Map<string, string>()
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line)
    if (type) {
      types.set(type[1]!, type[2]!)
      continue
    }
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? /.exec(line)
    if (!m) continue
    const labels = series.get(m[1]!) ?? new Map<string, Set<string>>()
    series.set(m[1]!, labels)
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      const values = labels.get(l[1]!) ?? new Set<string>()
      values.add(l[2]!)
      labels.set(l[1]!, values)
    }
  }
  // A metric declared but without samples yet (NaN gauges print, so this is only for safety).
  for (const name of types.keys()) if (!series.has(name)) series.set(name, new Map())
  return series
}

function target(): AdminTarget {
  return {
    view: () => ({
      node: { id: 'a', name: 'n1', fleet: 'f', addrs: [] },
      members: [{ id: 'a', name: 'n1', status: 'alive', incarnation: 0, addrs: [], statusAgeMs: 0, via: 'self' }],
      breakers: [
        {
          name: 'payments-api',
          state: 'open',
          override: null,
          reason: '',
          prober: null,
          version: { lamport: 1, origin: 'a', vclock: {} },
          local: { calls: 0, failures: 0, slow: 0 },
          wallTime: 0,
          concurrent: false,
        },
      ],
    }),
    stats: () => ({
      breakers: [{ name: 'payments-api', state: 'open', transitions: 1, callsOk: 1, callsFailed: 1, rejections: 1 }],
      gossip: { messagesIn: 1, messagesOut: 1, dropped: { 'bad-version': 1 }, bytesIn: 1, bytesOut: 1 },
      conflicts: 0,
      refused: { 'fleet-key': 1 },
      receiveBufferBytes: 0,
      receiveBufferHighWaterBytes: 0,
      table: { records: 1, evicted: 0, collected: 0, lamport: 7 },
      localOnly: { breakers: 0, writes: 0 },
      unconfirmedMembers: 0,
      lastPropagationAgeMs: 5,
    }),
    onEvent: () => () => {},
    forceOpen: () => {},
    forceClose: () => {},
    reset: () => {},
    ready: () => true,
  }
}

describe('deploy/grafana/breaker-mesh.json', () => {
  let server: AdminServer
  let series: Map<string, Map<string, Set<string>>>
  beforeAll(async () => {
    server = await startAdminServer(target(), { host: '127.0.0.1', port: 0 })
    series = exported(await (await fetch(`${server.url}/metrics`)).text())
  })
  afterAll(() => server.close())

  it('reads the metrics the issue asks for', () => {
    const all = queries().join('\n')
    for (const metric of [
      'breaker_mesh_breaker_state',
      'breaker_mesh_rejections_total',
      'breaker_mesh_calls_total',
      'breaker_mesh_members',
      'breaker_mesh_propagation_age_seconds',
      'breaker_mesh_gossip_bytes_total',
    ]) {
      expect(all).toContain(metric)
    }
    expect(DASHBOARD.panels.some((p) => p.type === 'state-timeline')).toBe(true)
  })

  it('queries only metrics, labels and label values a node exports', () => {
    const used = queries().flatMap(selectors)
    expect(used.length).toBeGreaterThan(20)
    for (const { metric, matchers } of used) {
      const labels = series.get(metric)
      expect(labels, `${metric} is not in a node's /metrics`).toBeDefined()
      for (const { label, op, value } of matchers) {
        if (TARGET_LABELS.has(label)) continue
        expect(labels!.has(label), `${metric} has no label ${label}`).toBe(true)
        if (op === '=') expect([...labels!.get(label)!], `${metric}{${label}="${value}"}`).toContain(value)
      }
    }
  })

  it('groups only by labels the queried metrics carry', () => {
    for (const expr of queries()) {
      const carried = new Set(selectors(expr).flatMap((s) => [...(series.get(s.metric)?.keys() ?? [])]))
      for (const m of expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)) {
        for (const label of m[1]!.split(',').map((l) => l.trim())) {
          if (!TARGET_LABELS.has(label)) expect(carried.has(label), `${label} in ${expr}`).toBe(true)
        }
      }
    }
  })

  it('catches a metric a node does not export (the check can fail)', () => {
    const bogus = selectors('sum by (breaker) (rate(breaker_mesh_calls{result="ok"}[5m])) / on (instance) up')
    expect(bogus.map((s) => s.metric)).toEqual(['breaker_mesh_calls', 'up'])
    expect(series.has('breaker_mesh_calls')).toBe(false)
    expect(selectors('breaker_mesh_breaker_state{state="half-open", breaker=~"$breaker"} * 2')).toEqual([
      {
        metric: 'breaker_mesh_breaker_state',
        matchers: [
          { label: 'state', op: '=', value: 'half-open' },
          { label: 'breaker', op: '=~', value: '$breaker' },
        ],
      },
    ])
  })

  it('is a well-formed dashboard: unique panel ids, panels inside the 24-column grid', () => {
    expect(DASHBOARD.uid).toBe('breaker-mesh')
    for (const p of DASHBOARD.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24)
    }
    const ids = DASHBOARD.panels.map((p) => (p as unknown as { id: number }).id)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
