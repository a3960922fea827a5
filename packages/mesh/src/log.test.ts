import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it, expect } from 'vitest'
import { LOG_NAMESPACES, createLogger } from './log.js'
import type { LoggerSettings } from './log.js'

function capture(settings: Omit<LoggerSettings, 'write'> = {}): { lines: Array<Record<string, unknown>>; settings: LoggerSettings } {
  const lines: Array<Record<string, unknown>> = []
  return { lines, settings: { ...settings, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) } }
}

describe('createLogger', () => {
  it('is quiet for debug by default, but always prints warn as one JSON line', () => {
    const { lines, settings } = capture({ debug: undefined, now: () => 0 })
    const log = createLogger('p2p', settings)
    log.debug('hidden', { a: 1 })
    log.warn('visible', { peer: 'x', n: 2 })
    expect(log.debugEnabled).toBe(false)
    expect(lines).toEqual([{ t: '1970-01-01T00:00:00.000Z', level: 'warn', ns: 'p2p', msg: 'visible', peer: 'x', n: 2 }])
  })

  it('prints debug for every namespace with BREAKER_MESH_DEBUG=1', () => {
    for (const value of ['1', 'true', '*']) {
      const { lines, settings } = capture({ debug: value })
      createLogger('mesh', settings).debug('hello')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatchObject({ level: 'debug', ns: 'mesh', msg: 'hello' })
    }
  })

  it('prints debug only for the listed namespaces', () => {
    const { lines, settings } = capture({ debug: 'p2p, other' })
    createLogger('p2p', settings).debug('a')
    createLogger('mesh', settings).debug('b')
    expect(lines.map((l) => l.msg)).toEqual(['a'])
    const both = capture({ debug: 'mesh,p2p' })
    createLogger('p2p', both.settings).debug('a')
    createLogger('mesh', both.settings).debug('b')
    expect(both.lines.map((l) => l.msg)).toEqual(['a', 'b'])
    const off = capture({ debug: '0' })
    createLogger('p2p', off.settings).debug('x')
    expect(off.lines).toEqual([])
  })

  it('reads BREAKER_MESH_DEBUG from the environment when not given', () => {
    const saved = process.env.BREAKER_MESH_DEBUG
    try {
      process.env.BREAKER_MESH_DEBUG = 'gossip'
      expect(createLogger('gossip').debugEnabled).toBe(true)
      expect(createLogger('p2p').debugEnabled).toBe(false)
    } finally {
      if (saved === undefined) delete process.env.BREAKER_MESH_DEBUG
      else process.env.BREAKER_MESH_DEBUG = saved
    }
  })

  it('rate-limits per key and reports how many lines it suppressed', () => {
    let now = 1000
    const { lines, settings } = capture({ now: () => now })
    const log = createLogger('p2p', settings)
    log.rateLimited('bad:A', 60_000, 'bad frame', { from: 'A' })
    log.rateLimited('bad:A', 60_000, 'bad frame', { from: 'A' })
    log.rateLimited('bad:A', 60_000, 'bad frame', { from: 'A' })
    log.rateLimited('bad:B', 60_000, 'bad frame', { from: 'B' })
    expect(lines.map((l) => l.from)).toEqual(['A', 'B'])
    now += 59_999
    log.rateLimited('bad:A', 60_000, 'bad frame', { from: 'A' })
    expect(lines).toHaveLength(2)
    now += 1
    log.rateLimited('bad:A', 60_000, 'bad frame', { from: 'A' })
    expect(lines).toHaveLength(3)
    expect(lines[2]).toMatchObject({ level: 'warn', from: 'A', suppressed: 3 })
    expect(lines[0]).not.toHaveProperty('suppressed')
  })

  it('keeps rate limiting bounded in memory and still working with many keys', () => {
    let now = 0
    const { lines, settings } = capture({ now: () => now })
    const log = createLogger('p2p', settings)
    for (let i = 0; i < 5000; i++) log.rateLimited(`k${i}`, 10, 'm')
    expect(lines).toHaveLength(5000)
    now = 5
    log.rateLimited('k4999', 10, 'm')
    expect(lines).toHaveLength(5000)
  })

  it('serialises errors, bytes and bigints, and never throws on circular fields', () => {
    const { lines, settings } = capture()
    const log = createLogger('p2p', settings)
    const err = Object.assign(new Error('nope'), { code: 'E_X' })
    log.warn('w', { err, bytes: new Uint8Array(3), big: 10n })
    expect(lines[0]).toMatchObject({ err: { name: 'Error', message: 'nope', code: 'E_X' }, bytes: '<3 bytes>', big: '10' })
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(() => log.warn('c', { circular })).not.toThrow()
    expect(lines[1]).toMatchObject({ msg: 'c', fields: '<unserialisable>' })
    const throwing = createLogger('p2p', { write: () => { throw new Error('EPIPE') } })
    expect(() => throwing.warn('x')).not.toThrow()
  })

  it('does not let fields overwrite the reserved keys', () => {
    const { lines, settings } = capture()
    createLogger('p2p', settings).warn('real', { msg: 'fake', ns: 'other', level: 'debug' })
    expect(lines[0]).toMatchObject({ msg: 'real', ns: 'p2p', level: 'warn' })
  })
})

describe('debug namespaces', () => {
  it('the sources create loggers of the listed namespaces only, and use every one', () => {
    const root = fileURLToPath(new URL('.', import.meta.url))
    const sources = (readdirSync(root, { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f) && !/\.test\.ts$|fixtures|dashboard/.test(f))
    const used = new Set<string>()
    for (const file of sources) {
      for (const m of readFileSync(join(root, file), 'utf8').matchAll(/createLogger\('([^']*)'/g)) used.add(m[1] as string)
    }
    expect([...used].sort()).toEqual([...LOG_NAMESPACES].sort())
  })
})
