import { describe, expect, it } from 'vitest'
import { profiles, resolveSwimConfig, validateSwimConfig } from './SwimConfig.js'
import type { SwimConfig } from './SwimConfig.js'

describe('SwimConfig', () => {
  it('lan follows memberlist LAN defaults and serf reconnect', () => {
    expect(profiles.lan).toMatchObject({
      probeIntervalMs: 1000,
      probeTimeoutMs: 500,
      indirectChecks: 3,
      suspicionMult: 4,
      suspicionMinFraction: 0.5,
      awarenessMaxMultiplier: 8,
      retransmitMult: 4,
      pushPullIntervalMs: 30_000,
      reconnectIntervalMs: 10_000,
      reconnectMaxIntervalMs: 120_000,
      reconnectsPerInterval: 4,
      reconnectTimeoutMs: 6 * 3_600_000,
      deadMemberRetentionMs: 6 * 3_600_000,
    })
  })

  it('local is fast but tolerates event-loop stalls of one process per node on a loaded host', () => {
    expect(profiles.local).toMatchObject({
      probeIntervalMs: 500,
      probeTimeoutMs: 250,
      indirectChecks: 3,
      suspicionMult: 3,
      awarenessMaxMultiplier: 8,
      retransmitMult: 3,
      pushPullIntervalMs: 5_000,
      reconnectIntervalMs: 1_000,
      reconnectTimeoutMs: 60_000,
    })
  })

  it('profiles are valid and frozen', () => {
    for (const profile of Object.values(profiles)) {
      expect(validateSwimConfig(profile)).toEqual(profile)
      expect(Object.isFrozen(profile)).toBe(true)
    }
  })

  it('resolves a profile name, defaulting to lan', () => {
    expect(resolveSwimConfig()).toEqual(profiles.lan)
    expect(resolveSwimConfig('local')).toEqual(profiles.local)
  })

  it('lays a partial config over a profile', () => {
    const config = resolveSwimConfig({ profile: 'local', probeIntervalMs: 300, indirectChecks: 5, gossipNodes: undefined })
    expect(config).toEqual({ ...profiles.local, probeIntervalMs: 300, indirectChecks: 5 })
    expect(resolveSwimConfig({ maxPiggyback: 4 })).toEqual({ ...profiles.lan, maxPiggyback: 4 })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it.each<[Partial<SwimConfig>, RegExp]>([
    [{ probeIntervalMs: 0 }, /SwimConfig.probeIntervalMs must be a finite number > 0, got 0/],
    [{ probeIntervalMs: Number.NaN }, /probeIntervalMs must be a finite number > 0, got NaN/],
    [{ probeTimeoutMs: 1000 }, /probeTimeoutMs must be less than probeIntervalMs \(1000\).*got 1000/],
    [{ indirectChecks: -1 }, /indirectChecks must be an integer ≥ 0, got -1/],
    [{ indirectChecks: 1.5 }, /indirectChecks must be an integer ≥ 0, got 1.5/],
    [{ suspicionMult: 0.5 }, /suspicionMult must be a finite number ≥ 1, got 0.5/],
    [{ suspicionMinFraction: 0 }, /suspicionMinFraction must be a number in \(0, 1\], got 0/],
    [{ suspicionMinFraction: 1.5 }, /suspicionMinFraction must be a number in \(0, 1\], got 1.5/],
    [{ awarenessMaxMultiplier: 0 }, /awarenessMaxMultiplier must be an integer ≥ 1, got 0/],
    [{ awarenessMaxMultiplier: 2.5 }, /awarenessMaxMultiplier must be an integer ≥ 1, got 2.5/],
    [{ retransmitMult: 0 }, /retransmitMult must be an integer ≥ 1, got 0/],
    [{ maxPiggyback: 0 }, /maxPiggyback must be an integer in 1..256, got 0/],
    [{ maxPiggyback: 257 }, /maxPiggyback must be an integer in 1..256, got 257/],
    [{ gossipIntervalMs: -5 }, /gossipIntervalMs must be a finite number > 0, got -5/],
    [{ gossipNodes: -1 }, /gossipNodes must be an integer ≥ 0, got -1/],
    [{ reconnectIntervalMs: 0 }, /reconnectIntervalMs must be a finite number > 0, got 0/],
    [{ reconnectTimeoutMs: -1 }, /reconnectTimeoutMs must be a finite number ≥ 0, got -1/],
    [{ reconnectMaxIntervalMs: 500 }, /reconnectMaxIntervalMs must be a finite number ≥ reconnectIntervalMs \(10000\), got 500/],
    [{ reconnectsPerInterval: 0 }, /reconnectsPerInterval must be an integer ≥ 1, got 0/],
    [{ deadMemberRetentionMs: 1000 }, /deadMemberRetentionMs must be a finite number ≥ reconnectTimeoutMs .*got 1000/],
    [{ pushPullIntervalMs: Infinity }, /pushPullIntervalMs must be a finite number > 0, got Infinity/],
  ])('rejects %o with a RangeError naming field and value', (fields, message) => {
    expect(() => resolveSwimConfig(fields)).toThrow(RangeError)
    expect(() => resolveSwimConfig(fields)).toThrow(message)
  })

  it('rejects unknown profiles and fields', () => {
    expect(() => resolveSwimConfig('wan' as 'lan')).toThrow(/SwimConfig profile must be one of 'lan', 'local', got "wan"/)
    expect(() => resolveSwimConfig({ probeIntervallMs: 5 } as Partial<SwimConfig>)).toThrow(/no field 'probeIntervallMs'/)
  })
})
