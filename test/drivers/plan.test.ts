/**
 * The namespace fleets' one address plan (scripts/sim/plan.mjs): the values the
 * tests and the bench import are the ones scripts/simulate evaluates in bash.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { netnsPlan } from '../../scripts/sim/plan.mjs'

const PLAN = fileURLToPath(new URL('../../scripts/sim/plan.mjs', import.meta.url))

/** What scripts/simulate computes after `eval "$(plan.mjs shell ID)"`, for node i. */
function shellSide(id: number, i: number): string[] {
  const script = `eval "$(node '${PLAN}' shell ${id})"; echo "$NET.$((NODE_IP_BASE + ${i}))" "$SUBNET" "$BRIDGE" "$BRIDGE_IP" "\${NS_PREFIX}n${i}" "\${VETH_PREFIX}${i}" "$DEFAULT_STATE" "$LISTEN_PORT" "$ADMIN_PORT" "$UPSTREAM_PORT"`
  return execFileSync('bash', ['-c', script], { encoding: 'utf8' }).trim().split(' ')
}

describe('the namespace address plan', () => {
  it('fleet 0 and fleet K: bridge, namespaces, addresses, ports, state dir', () => {
    const zero = netnsPlan(0)
    expect([zero.bridge, zero.namespace(1), zero.ip(1), zero.admin(1), zero.listen(2), zero.upstream, zero.stateDir]).toEqual([
      'bmsim0',
      'bmsim-n1',
      '10.213.0.11',
      '10.213.0.11:7947',
      '10.213.0.12:7946',
      '10.213.0.1:8080',
      '/tmp/bmsim',
    ])
    const k = netnsPlan(201)
    expect([k.bridge, k.namespace(3), k.veth(3), k.ip(3), k.subnet, k.stateDir]).toEqual(['bmsim201', 'bmsim201-n3', 'bms201n3', '10.213.201.13', '10.213.201.0/24', '/tmp/bmsim201'])
  })

  it('scripts/simulate computes the same names and addresses from its shell form', () => {
    for (const [id, i] of [
      [0, 1],
      [201, 3],
      [255, 100],
    ] as const) {
      const p = netnsPlan(id)
      expect(shellSide(id, i)).toEqual([p.ip(i), p.subnet, p.bridge, p.bridgeIp, p.namespace(i), p.veth(i), p.stateDir, '7946', '7947', '8080'])
    }
  })

  it('refuses a fleet id or node index out of range, in Node and on the command line', () => {
    expect(() => netnsPlan(256)).toThrow(/id must be an integer from 0 to 255, got 256/)
    expect(() => netnsPlan(1.5)).toThrow(RangeError)
    expect(() => netnsPlan(1).ip(0)).toThrow(/node index must be an integer from 1 to 100, got 0/)
    const bad = spawnSync(process.execPath, [PLAN, 'shell', '300'], { encoding: 'utf8' })
    expect([bad.status, bad.stderr]).toEqual([2, 'plan.mjs: id must be an integer from 0 to 255, got 300\n'])
    expect(spawnSync(process.execPath, [PLAN], { encoding: 'utf8' }).status).toBe(2)
  })
})
