import { describe, expect, it } from 'vitest'
import { booleanOption, fleetName, functionOption, integerAtLeast, integerIn, invalid, numberAtLeast, numberIn, numberOver, oneOf, stringOf } from './validate.js'

describe('option checks', () => {
  it('accept good values and fall back on undefined', () => {
    expect(integerIn('n', 5, 1, 10)).toBe(5)
    expect(integerIn('n', undefined, 1, 10, 3)).toBe(3)
    expect(numberIn('x', 0.5, 0, 1)).toBe(0.5)
    expect(booleanOption('b', undefined, true)).toBe(true)
    expect(oneOf('p', 'lan', ['lan', 'local'] as const)).toBe('lan')
    expect(stringOf('s', 'ab', 1, 3)).toBe('ab')
    expect(fleetName('fleet', 'prod-1.eu_west')).toBe('prod-1.eu_west')
    expect(functionOption('f', undefined)).toBeUndefined()
    expect(integerAtLeast('n', 2 ** 40, 1)).toBe(2 ** 40)
    expect(integerAtLeast('n', undefined, 1, 7)).toBe(7)
    expect(numberAtLeast('x', 0, 0)).toBe(0)
    expect(numberOver('x', 100, 0, 100)).toBe(100)
    expect(numberOver('x', 1e-9, 0)).toBe(1e-9)
    expect(numberOver('x', undefined, 0, 1, 0.5)).toBe(0.5)
  })

  it.each([
    [() => integerIn('probeIntervalMs', 1.5, 1, 10), /^probeIntervalMs must be an integer in 1\.\.10, got 1\.5$/],
    [() => integerIn('n', '3', 1, 10), /got "3"/],
    [() => numberIn('quorum', Number.NaN, 0, 1), /^quorum must be a number in 0\.\.1, got NaN$/],
    [() => booleanOption('mdns', 'yes'), /^mdns must be true or false, got "yes"$/],
    [() => oneOf('profile', 'wan', ['lan', 'local']), /^profile must be one of 'lan', 'local', got "wan"$/],
    [() => stringOf('name', '', 1, 64), /^name must be a string of 1\.\.64 characters/],
    [() => fleetName('fleet', 'bad fleet!'), /^fleet must be 1\.\.64 characters of \[A-Za-z0-9\._-\], got "bad fleet!"$/],
    [() => functionOption('isFailure', 3), /^isFailure must be a function, got 3$/],
    [() => integerAtLeast('minimumCalls', 0, 1), /^minimumCalls must be an integer ≥ 1, got 0$/],
    [() => integerAtLeast('minimumCalls', 2 ** 53, 1), /^minimumCalls must be an integer ≥ 1, got 9007199254740992$/],
    [() => numberAtLeast('backoffMultiplier', 0.5, 1), /^backoffMultiplier must be a finite number ≥ 1, got 0\.5$/],
    [() => numberAtLeast('ttl', Infinity, 0), /^ttl must be a finite number ≥ 0, got Infinity$/],
    [() => numberOver('cooldownMs', 0, 0), /^cooldownMs must be a finite number > 0, got 0$/],
    [() => numberOver('failureRate', 150, 0, 100), /^failureRate must be a number in \(0, 100\], got 150$/],
    [() => numberOver('failureRate', undefined, 0, 100), /^failureRate must be a number in \(0, 100\], got undefined$/],
    [() => { throw invalid('maxCooldownMs', 'a number ≥ cooldownMs (5000)', 10) }, /^maxCooldownMs must be a number ≥ cooldownMs \(5000\), got 10$/],
  ])('a bad value is a RangeError naming the field and quoting the value (%#)', (check, message) => {
    expect(check).toThrow(RangeError)
    expect(check).toThrow(message)
  })
})
