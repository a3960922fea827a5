import { describe, expect, it } from 'vitest'
import { createLogger } from './log.js'
import type { HostLogger } from './log.js'

function host(debugOn?: boolean): HostLogger & { calls: Array<[string, object, string]> } {
  const calls: Array<[string, object, string]> = []
  const at = (level: string) => (fields: object, msg: string) => void calls.push([level, fields, msg])
  const logger = { calls, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
  return debugOn === undefined ? logger : { ...logger, isLevelEnabled: (level: string) => level !== 'debug' || debugOn }
}

describe('createLogger with a host logger (pino-shaped)', () => {
  it('sends debug, info and warn to its methods as (fields with ns, msg), and nothing to stderr', () => {
    const target = host()
    const stderr: string[] = []
    const log = createLogger('mesh', { target, debug: undefined, write: (l) => stderr.push(l) })
    log.debug('joined', { seeds: 1 })
    log.info('mesh started', { id: 'x' })
    log.warn('listener threw', { ns: 'spoofed', err: 'boom' })
    expect(target.calls).toEqual([
      ['debug', { seeds: 1, ns: 'mesh' }, 'joined'],
      ['info', { id: 'x', ns: 'mesh' }, 'mesh started'],
      ['warn', { ns: 'mesh', err: 'boom' }, 'listener threw'],
    ])
    expect(stderr).toEqual([])
  })

  it('asks isLevelEnabled before debug; BREAKER_MESH_DEBUG does not apply', () => {
    const quiet = host(false)
    const log = createLogger('p2p', { target: quiet, debug: '1' })
    expect(log.debugEnabled).toBe(false)
    log.debug('hidden')
    log.rateLimited('k', 60_000, 'dropped frame', { from: 'peer' })
    log.rateLimited('k', 60_000, 'dropped frame', { from: 'peer' })
    expect(quiet.calls).toEqual([['warn', { from: 'peer', ns: 'p2p' }, 'dropped frame']])
  })

  it('a throwing host logger does not throw into the caller', () => {
    const bad: HostLogger = {
      debug: () => {
        throw new Error('x')
      },
      info: () => {
        throw new Error('x')
      },
      warn: () => {
        throw new Error('x')
      },
      error: () => {
        throw new Error('x')
      },
    }
    const log = createLogger('mesh', { target: bad })
    expect(() => log.warn('w')).not.toThrow()
    expect(() => log.info('i')).not.toThrow()
  })

  it('the default stays quiet: info prints only with BREAKER_MESH_DEBUG', () => {
    const lines: string[] = []
    createLogger('mesh', { debug: undefined, write: (l) => lines.push(l) }).info('mesh started')
    expect(lines).toEqual([])
    createLogger('mesh', { debug: 'mesh', write: (l) => lines.push(l) }).info('mesh started')
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'info', ns: 'mesh', msg: 'mesh started' })
  })
})
