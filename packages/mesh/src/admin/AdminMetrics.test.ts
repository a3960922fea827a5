import { afterEach, describe, expect, it } from 'vitest'
import { createAdminMetrics } from './AdminMetrics.js'
import { AdminCounters } from './AdminCounters.js'
import { startAdminServer } from './AdminServer.js'
import type { AdminServer } from './AdminServer.js'
import { fakeAdminTarget, sample } from './fixtures/adminTestKit.js'
import type { FakeBreaker } from './fixtures/adminTestKit.js'
import { safeLabelValue, safeLabelValues } from './safeLabel.js'

/** Every character that must never reach a scrape raw (C0, DEL, C1, bidi and other format characters, separators). */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udfff]/

function labelsOf(body: string, metric: string): string[] {
  const re = new RegExp(`^${metric}\\{breaker="((?:[^"\\\\]|\\\\.)*)"`)
  return [...new Set(body.split('\n').flatMap((l) => re.exec(l)?.[1] ?? []))]
}

describe('admin metrics', () => {
  it('exports the busiest breakers only (calls, then rejections, then name) and says how many it left out', async () => {
    const breakers: FakeBreaker[] = Array.from({ length: 1200 }, (_, i) => ({
      name: `svc-${String(i).padStart(4, '0')}`,
      state: i % 3 === 0 ? 'open' : 'closed',
      callsOk: i % 600, // 0..599 twice: ties broken by rejections, then name
      callsFailed: 0,
      rejections: i < 600 ? 1 : 0,
    }))
    const metrics = createAdminMetrics(fakeAdminTarget(breakers).target, { processMetrics: false, maxBreakers: 500 })
    const { body } = await metrics.render()

    const expected = [...breakers]
      .sort((a, b) => b.callsOk! - a.callsOk! || b.rejections! - a.rejections! || (a.name < b.name ? -1 : 1))
      .slice(0, 500)
      .map((b) => b.name)
    expect(expected[0]).toBe('svc-0599') // 599 calls, 1 rejection beats svc-1199 (599 calls, 0)
    expect(expected[1]).toBe('svc-1199')
    for (const metric of ['breaker_mesh_breaker_state', 'breaker_mesh_calls_total', 'breaker_mesh_rejections_total', 'breaker_mesh_breaker_transitions_total']) {
      expect(labelsOf(body, metric).sort(), metric).toEqual([...expected].sort())
    }
    expect(sample(body, 'breaker_mesh_metrics_breakers_omitted')).toBe(700)
    expect(sample(body, 'breaker_mesh_breakers{state="open"}')).toBe(400)
    expect(sample(body, 'breaker_mesh_breakers{state="closed"}')).toBe(800)
    expect(sample(body, 'breaker_mesh_breakers{state="half-open"}')).toBe(0)
    expect(body).toMatch(/# HELP breaker_mesh_metrics_breakers_omitted .*only the 500 busiest/)
    expect(sample(body, 'breaker_mesh_calls_total{breaker="svc-0599",result="ok"}')).toBe(599)
    expect(sample(body, 'breaker_mesh_breaker_state{breaker="svc-0000",state="open"}')).toBeUndefined() // 0 calls: left out
  })

  it('exports isolated and degraded as 0/1 gauges per breaker (the fleet decision), 0 for a breaker decided by any', async () => {
    const target = fakeAdminTarget([
      { name: 'sick-path', callsOk: 3, isolated: true, degraded: false },
      { name: 'few-reporters', callsOk: 2, isolated: false, degraded: true },
      { name: 'plain', callsOk: 1 },
    ]).target
    const { body } = await createAdminMetrics(target, { processMetrics: false }).render()
    expect(sample(body, 'breaker_mesh_breaker_isolated{breaker="sick-path"}')).toBe(1)
    expect(sample(body, 'breaker_mesh_breaker_isolated{breaker="few-reporters"}')).toBe(0)
    expect(sample(body, 'breaker_mesh_breaker_isolated{breaker="plain"}')).toBe(0)
    expect(sample(body, 'breaker_mesh_breaker_degraded{breaker="sick-path"}')).toBe(0)
    expect(sample(body, 'breaker_mesh_breaker_degraded{breaker="few-reporters"}')).toBe(1)
    expect(sample(body, 'breaker_mesh_breaker_degraded{breaker="plain"}')).toBe(0)
    expect(body).toMatch(/# TYPE breaker_mesh_breaker_isolated gauge/)
    expect(body).toMatch(/# TYPE breaker_mesh_breaker_degraded gauge/)
  })

  it('under the cap nothing is omitted', async () => {
    const metrics = createAdminMetrics(fakeAdminTarget([{ name: 'a' }, { name: 'b' }]).target, { processMetrics: false })
    const { body } = await metrics.render()
    expect(labelsOf(body, 'breaker_mesh_breaker_state').sort()).toEqual(['a', 'b'])
    expect(sample(body, 'breaker_mesh_metrics_breakers_omitted')).toBe(0)
  })

  it('never lets a control, bidi or separator character of a name reach the output; escaped names stay distinct', async () => {
    const hostile = [
      'line\nbreak',
      'carriage\rreturn',
      'clear\u001b[2J\u001b[Hscreen',
      'bell\u0007',
      'del\u007f',
      'c1\u0085\u009b31m',
      'bidi\u202eevil\u202c',
      'isolate\u2066x\u2069',
      'alm\u061c',
      'lrm\u200e\u200f',
      'sep\u2028\u2029',
      'zw\u200b\ufeff',
      'tag\u{e0041}',
      'lone\ud800',
      'quote"back\\slash',
      'esc\u001b', // and the literal text of its escape, which must not merge with it:
      'esc\\u001b',
    ]
    const fake = fakeAdminTarget(hostile.map((name, i) => ({ name, callsOk: 100 - i })))
    const { body } = await createAdminMetrics(fake.target, { processMetrics: false }).render()
    // Lines end with \n; nothing else unsafe anywhere, and one sample per line.
    const lines = body.split('\n')
    for (const line of lines) {
      const raw = UNSAFE.exec(line)
      expect(raw, raw ? `raw U+${raw[0].codePointAt(0)?.toString(16)} in ${JSON.stringify(line)}` : '').toBeNull()
    }
    expect(lines.filter((l) => l.startsWith('breaker_mesh_calls_total{'))).toHaveLength(hostile.length * 2)
    const labels = labelsOf(body, 'breaker_mesh_calls_total')
    expect(labels).toHaveLength(hostile.length)
    // The exposition format escapes backslash, so the visible escape `\u001b` reads `\\u001b` on the wire.
    expect(labels).toContain('clear\\\\u001b[2J\\\\u001b[Hscreen')
    expect(labels).toContain('bidi\\\\u202eevil\\\\u202c')
    expect(labels).toContain('tag\\\\u{e0041}')
    expect(labels).toContain('quote\\"back\\\\slash')
    expect(new Set(labels).size).toBe(hostile.length)
  })

  it('safeLabelValue keeps printable text, including non-ASCII letters, as it is', () => {
    expect(safeLabelValue('payments-api.v2:eu-west/1@prod')).toBe('payments-api.v2:eu-west/1@prod')
    expect(safeLabelValue('zahlungs-dienst-ä-日本')).toBe('zahlungs-dienst-ä-日本')
    expect(safeLabelValue('a\u001bb\u202ec')).toBe('a\\u001bb\\u202ec')
    expect(safeLabelValues(['x\u0001', 'x\\u0001', 'x\u0001'])).toEqual(['x\\u0001', 'x\\u0001 #2', 'x\\u0001 #3'])
  })

  it('exports the admin server counters', async () => {
    const counters = new AdminCounters()
    counters.refuse('forbidden-host')
    counters.refuse('forbidden-host')
    counters.refuse('max-event-streams')
    counters.connections = 7
    counters.eventStreams = 3
    const { body } = await createAdminMetrics(fakeAdminTarget().target, { processMetrics: false, counters }).render()
    expect(sample(body, 'breaker_mesh_admin_refused_total{reason="forbidden-host"}')).toBe(2)
    expect(sample(body, 'breaker_mesh_admin_refused_total{reason="max-event-streams"}')).toBe(1)
    expect(sample(body, 'breaker_mesh_admin_refused_total{reason="max-connections"}')).toBe(0)
    expect(sample(body, 'breaker_mesh_admin_refused_total{reason="request-timeout"}')).toBe(0)
    expect(sample(body, 'breaker_mesh_admin_connections')).toBe(7)
    expect(sample(body, 'breaker_mesh_admin_event_streams')).toBe(3)
  })

  describe('served by the admin server', () => {
    let server: AdminServer | undefined
    afterEach(async () => {
      await server?.close()
      server = undefined
    })

    it('maxMetricsBreakers caps the scrape', async () => {
      const fake = fakeAdminTarget(Array.from({ length: 30 }, (_, i) => ({ name: `b${i}`, callsOk: i })))
      server = await startAdminServer(fake.target, { host: '127.0.0.1', port: 0, processMetrics: false, maxMetricsBreakers: 10 })
      const body = await (await fetch(`${server.url}/metrics`)).text()
      expect(labelsOf(body, 'breaker_mesh_breaker_state').sort()).toEqual(Array.from({ length: 10 }, (_, i) => `b${29 - i}`).sort())
      expect(sample(body, 'breaker_mesh_metrics_breakers_omitted')).toBe(20)
      expect(sample(body, 'breaker_mesh_admin_connections')).toBeGreaterThanOrEqual(1)
    })
  })
})
