import { describe, expect, it } from 'vitest'
import { resolveSwimConfig } from '../membership/SwimConfig.js'
import { resolveFleetOptions } from './FleetOptions.js'

describe('opinion options', () => {
  it('default to the probe interval and five of it, per profile', () => {
    expect(resolveFleetOptions({}, resolveSwimConfig('lan'))).toMatchObject({ opinionIntervalMs: 1_000, opinionTtlMs: 5_000 })
    expect(resolveFleetOptions({}, resolveSwimConfig('local'))).toMatchObject({ opinionIntervalMs: 500, opinionTtlMs: 2_500 })
    expect(resolveFleetOptions({ opinionIntervalMs: 200 }, resolveSwimConfig('lan'))).toMatchObject({ opinionIntervalMs: 200, opinionTtlMs: 1_000 })
  })

  it.each([
    [{ opinionIntervalMs: 0 }, 'opinionIntervalMs must be an integer ≥ 1, got 0'],
    [{ opinionIntervalMs: 1.5 }, 'opinionIntervalMs must be an integer ≥ 1, got 1.5'],
    [{ opinionTtlMs: -1 }, 'opinionTtlMs must be an integer ≥ 1, got -1'],
    [{ opinionIntervalMs: 1_000, opinionTtlMs: 1_000 }, 'opinionTtlMs must be an integer > opinionIntervalMs (1000), got 1000'],
  ])('rejects %j with a RangeError naming the field', (options, message) => {
    expect(() => resolveFleetOptions(options, resolveSwimConfig('lan'))).toThrow(RangeError)
    expect(() => resolveFleetOptions(options, resolveSwimConfig('lan'))).toThrow(message)
  })
})
