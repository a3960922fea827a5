import { spawnSync } from 'node:child_process'

export type NetnsSupport = { ok: true; reason: '' } | { ok: false; reason: string }

/**
 * Whether this process can build namespace fleets: root, and an `ip` that can list
 * network namespaces. Synchronous so it can feed `describe.skipIf` at collection time.
 */
export function netnsSupport(): NetnsSupport {
  if (process.platform !== 'linux') return { ok: false, reason: `network namespaces need Linux, this is ${process.platform}` }
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, reason: 'not root: creating namespaces, veths and routes needs CAP_NET_ADMIN (run the tests as root)' }
  }
  const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 })
  if (probe.error) return { ok: false, reason: `'ip' (iproute2) is not usable: ${probe.error.message}` }
  if (probe.status !== 0) return { ok: false, reason: `'ip netns' is unavailable: ${probe.stderr.trim()}` }
  return { ok: true, reason: '' }
}
