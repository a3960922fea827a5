import { networkInterfaces } from 'node:os'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { startAdminServer } from './AdminServer.js'
import type { AdminServer } from './AdminServer.js'
import { fakeAdminTarget, rawExchange, sample } from './fixtures/adminTestKit.js'
import { createHostCheck, parseHostHeader, validateAllowedHosts } from './hostCheck.js'

describe('parseHostHeader', () => {
  it('canonicalises like a browser: lowercase, no port, no trailing dot, IPv6 unbracketed, mapped IPv4 as IPv4', () => {
    expect(parseHostHeader('LOCALHOST.:80')).toBe('localhost')
    expect(parseHostHeader('[::1]:7947')).toBe('::1')
    expect(parseHostHeader('[0:0:0:0:0:0:0:1]')).toBe('::1')
    expect(parseHostHeader('[::ffff:127.0.0.1]:1')).toBe('127.0.0.1')
    expect(parseHostHeader('127.1')).toBe('127.0.0.1')
    expect(parseHostHeader('0x7f.0.0.1:7947')).toBe('127.0.0.1')
    expect(parseHostHeader('Admin.NS.svc')).toBe('admin.ns.svc')
  })

  it('rejects anything that is not host[:port]', () => {
    for (const bad of ['', 'a@b', 'user@localhost', 'a b', 'x/y', 'x?y', '1.2.3.4.5', 'localhost:99999', '[::1', ':80', 'a\\b']) {
      expect(parseHostHeader(bad), bad).toBeUndefined()
    }
  })
})

describe('validateAllowedHosts', () => {
  it('accepts names, suffixes and addresses, canonicalised', () => {
    expect(validateAllowedHosts(undefined)).toEqual([])
    expect(validateAllowedHosts(['Admin.NS.svc.', '.Example.com', '10.0.0.7', '[FD00::0002]', 'fd00::3'])).toEqual([
      'admin.ns.svc',
      '.example.com',
      '10.0.0.7',
      'fd00::2',
      'fd00::3',
    ])
  })

  it('rejects anything else with a RangeError naming the entry', () => {
    expect(() => validateAllowedHosts('admin' as unknown)).toThrow(/allowedHosts must be an array/)
    expect(() => validateAllowedHosts(['ok', 'evil host'])).toThrow(/allowedHosts\[1\].*"evil host"/)
    expect(() => validateAllowedHosts(['ok', ''])).toThrow(/allowedHosts\[1\]/)
    expect(() => validateAllowedHosts(['ok', 'host:80'])).toThrow(/allowedHosts\[1\]/)
    expect(() => validateAllowedHosts(['.10.0.0.1'])).toThrow(/allowedHosts\[0\].*suffix/)
    expect(() => validateAllowedHosts([5])).toThrow(/allowedHosts\[0\]/)
    expect(() => validateAllowedHosts(Array.from({ length: 65 }, (_, i) => `h${i}`))).toThrow(/at most 64/)
  })
})

describe('createHostCheck', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('bound to loopback: the bound address, any loopback address and localhost, on any port', () => {
    const check = createHostCheck({ bindHost: '127.0.0.1', boundAddress: '127.0.0.1', allowedHosts: [], hostname: 'pod-7' })
    for (const ok of ['127.0.0.1:7947', '127.0.0.1', '127.0.0.1:8080', 'localhost:7947', 'LOCALHOST', '[::1]:7947', '127.0.0.2']) {
      expect(check.allows(ok), ok).toBe(true)
    }
    for (const bad of [undefined, '', 'evil.example', 'evil.example:7947', 'localhost.evil.example', '10.0.0.1', 'pod-7', '0.0.0.0']) {
      expect(check.allows(bad), String(bad)).toBe(false)
    }
  })

  it('bound to one address: that address, not the other interfaces', () => {
    const check = createHostCheck({
      bindHost: '10.1.2.3',
      boundAddress: '10.1.2.3',
      allowedHosts: [],
      interfaceAddresses: () => ['10.1.2.3', '10.9.9.9'],
      hostname: 'pod-7',
    })
    expect(check.allows('10.1.2.3:7947')).toBe(true)
    expect(check.allows('10.9.9.9:7947')).toBe(false)
    expect(check.allows('pod-7:7947')).toBe(false)
  })

  it('bound by name: that name', () => {
    const check = createHostCheck({ bindHost: 'admin-host', boundAddress: '10.1.2.3', allowedHosts: [] })
    expect(check.allows('Admin-Host:7947')).toBe(true)
    expect(check.allows('10.1.2.3')).toBe(true)
  })

  it('wildcard bind: every local interface address and the host name; interfaces are read again on a miss, at most once a second', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    let addresses = ['127.0.0.1', '::1', '10.1.2.3', 'fd00::2', 'fe80::1%eth0']
    let reads = 0
    const check = createHostCheck({
      bindHost: '0.0.0.0',
      boundAddress: '0.0.0.0',
      allowedHosts: [],
      interfaceAddresses: () => {
        reads++
        return addresses
      },
      hostname: 'pod-7',
    })
    for (const ok of ['10.1.2.3:7947', '[fd00::2]:7947', '[fd00:0::2]', '[fe80::1]', 'pod-7', 'POD-7.:7947', 'localhost', '127.0.0.1']) {
      expect(check.allows(ok), ok).toBe(true)
    }
    expect(check.allows('10.1.2.4')).toBe(false)
    expect(check.allows('evil.example')).toBe(false)

    // A new address (a new pod IP, DHCP) is picked up on the next miss a second later.
    addresses = [...addresses, '10.1.2.4']
    const before = reads
    expect(check.allows('10.1.2.4')).toBe(false) // read less than a second ago
    expect(reads).toBe(before)
    vi.setSystemTime(Date.now() + 1001)
    expect(check.allows('10.1.2.4')).toBe(true)
    expect(reads).toBe(before + 1)
    // Names never trigger a read.
    expect(check.allows('evil.example')).toBe(false)
    expect(reads).toBe(before + 1)
  })

  it('allowedHosts: exact names, suffixes covering the name and its subdomains, addresses', () => {
    const check = createHostCheck({
      bindHost: '127.0.0.1',
      boundAddress: '127.0.0.1',
      allowedHosts: validateAllowedHosts(['breaker-mesh.ops.svc.cluster.local', '.proxy.example', '203.0.113.9']),
    })
    for (const ok of ['breaker-mesh.ops.svc.cluster.local', 'BREAKER-MESH.ops.svc.cluster.local.:80', 'proxy.example', 'a.b.proxy.example:443', '203.0.113.9:7947']) {
      expect(check.allows(ok), ok).toBe(true)
    }
    for (const bad of ['ops.svc.cluster.local', 'evilproxy.example', 'proxy.example.evil', '203.0.113.10']) {
      expect(check.allows(bad), bad).toBe(false)
    }
  })
})

describe('admin server Host check (DNS rebinding)', () => {
  let server: AdminServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  const get = (port: number, path: string, hostLine: string | null, version = '1.1') =>
    rawExchange(port, `GET ${path} HTTP/${version}\r\n${hostLine === null ? '' : `Host: ${hostLine}\r\n`}Connection: close\r\n\r\n`)

  it('refuses a foreign Host with 403 ERR_FORBIDDEN_HOST before anything runs, and counts it', async () => {
    const fake = fakeAdminTarget([{ name: 'payments-api' }])
    server = await startAdminServer(fake.target, { host: '127.0.0.1', port: 0, processMetrics: false })
    const { port } = server

    const read = await get(port, '/v1/view', `rebind.evil.example:${port}`)
    expect(read.status).toBe(403)
    expect(read.text).toContain('"code":"ERR_FORBIDDEN_HOST"')
    expect(read.text).not.toContain('payments-api')

    const write = await rawExchange(
      port,
      `POST /v1/breakers/payments-api/force-open HTTP/1.1\r\nHost: rebind.evil.example\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    )
    expect(write.status).toBe(403)
    expect(fake.calls).toEqual([])

    const http10 = await get(port, '/v1/view', null, '1.0') // HTTP/1.0 may omit Host; refused too
    expect(http10.status).toBe(403)

    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `[::1]:${port}`, '127.0.0.1:18080']) {
      expect((await get(port, '/healthz', host)).status, host).toBe(200)
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(sample(metrics, 'breaker_mesh_admin_refused_total{reason="forbidden-host"}')).toBe(3)
  })

  it('serves names from allowedHosts', async () => {
    const fake = fakeAdminTarget()
    server = await startAdminServer(fake.target, {
      host: '127.0.0.1',
      port: 0,
      processMetrics: false,
      allowedHosts: ['breaker-mesh-admin.ops.svc'],
    })
    expect((await get(server.port, '/healthz', 'breaker-mesh-admin.ops.svc')).status).toBe(200)
    expect((await get(server.port, '/healthz', 'breaker-mesh-admin.ops.svc.evil.example')).status).toBe(403)
    await expect(startAdminServer(fake.target, { host: '127.0.0.1', port: 0, allowedHosts: ['a b'] })).rejects.toThrow(
      /allowedHosts\[0\]/,
    )
  })

  it('on a wildcard bind, serves a Host naming any local interface address and refuses other addresses', async () => {
    const local = Object.values(networkInterfaces())
      .flatMap((l) => l ?? [])
      .map((a) => a.address)
    const foreign = ['198.51.100.77', '203.0.113.77'].find((a) => !local.includes(a)) ?? '198.51.100.78'
    server = await startAdminServer(fakeAdminTarget().target, { host: '0.0.0.0', port: 0, processMetrics: false })
    for (const address of local) {
      const host = address.includes(':') ? `[${address.replace(/%.*$/, '')}]` : address
      expect((await get(server.port, '/healthz', `${host}:${server.port}`)).status, host).toBe(200)
    }
    expect((await get(server.port, '/healthz', `${foreign}:${server.port}`)).status).toBe(403)
    expect((await get(server.port, '/healthz', `evil.example:${server.port}`)).status).toBe(403)
  })
})
