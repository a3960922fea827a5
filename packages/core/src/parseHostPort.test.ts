import { describe, expect, it } from 'vitest'
import { parseHostPort } from './parseHostPort.js'

describe('parseHostPort', () => {
  it.each([
    ['127.0.0.1:7947', { host: '127.0.0.1', port: 7947 }],
    ['0.0.0.0:0', { host: '0.0.0.0', port: 0 }],
    ['seed-1.svc.cluster.local:7946', { host: 'seed-1.svc.cluster.local', port: 7946 }],
    ['[::1]:7947', { host: '::1', port: 7947 }],
    ['[fe80::1%eth0]:1', { host: 'fe80::1%eth0', port: 1 }],
  ])('%s', (value, expected) => expect(parseHostPort(value)).toEqual(expected))

  it.each(['nope', ':7946', 'host:', 'host:x', 'host:65536', '::1:7947', '[::1]7947', 'a b:1', 'h:-1', 'h:1e3'])(
    'rejects %j with a RangeError quoting it',
    (value) => expect(() => parseHostPort(value)).toThrow(new RegExp(`"${value.replace(/[[\]]/g, '\\$&')}"`)),
  )

  it('names the field when given one', () => {
    expect(() => parseHostPort('nope', 'listen')).toThrow(/^listen: "nope" is not host:port/)
  })
})
