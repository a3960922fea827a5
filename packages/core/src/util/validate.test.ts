import { describe, expect, it } from 'vitest'
import { booleanOption, fleetName, functionOption, integerIn, numberIn, oneOf, stringOf } from './validate.js'

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
  ])('a bad value is a RangeError naming the field and quoting the value (%#)', (check, message) => {
    expect(check).toThrow(RangeError)
    expect(check).toThrow(message)
  })
})
