/**
 * Local mode in a process of its own: `createMesh({ network: false })` loads
 * no libp2p module and opens no socket, yet the breaker trips and refuses. The
 * same child with the network on is the control: there libp2p is loaded and
 * a TCP listener is open, so the checks can tell the two apart.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'breaker-mesh-local-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface ChildReport {
  mode: string
  state: string
  refused: string
  resources: string[]
  addrs: string[]
  id: string
}

async function runChild(mode: 'local' | 'network'): Promise<{ report: ChildReport; loads: string[] }> {
  const loadsFile = join(dir, `${mode}.loads`)
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', join(FIXTURES, 'register-loads.mjs'), join(FIXTURES, 'mesh-mode-child.mjs'), mode],
      { env: { ...process.env, LOADS_FILE: loadsFile }, timeout: 60_000 },
      (err, out, errOut) => (err ? reject(new Error(`${mode} child failed: ${err.message}\n${errOut}`)) : resolve(out)),
    )
  })
  const loads = readFileSync(loadsFile, 'utf8').split('\n').filter(Boolean)
  return { report: JSON.parse(stdout.trim()) as ChildReport, loads }
}

// libp2p as modules, or inside the mesh's bundle: the p2p chunk (and the mDNS one, named after its `src`).
const libp2pModules = (loads: string[]): string[] =>
  loads.filter((u) => /\/node_modules\/(libp2p|@libp2p|@chainsafe)\//.test(u) || /\/dist\/p2p\//.test(u) || /\/dist\/bundle\/chunks\/(p2p|src)-/.test(u))
const sockets = (resources: string[]): string[] => resources.filter((r) => /TCP|UDP/i.test(r))

describe('createMesh({ network: false }) in a fresh process', () => {
  it('trips and refuses with no libp2p module loaded and no socket open', async () => {
    const { report, loads } = await runChild('local')
    expect(report).toMatchObject({ mode: 'local', state: 'open', refused: 'ERR_BREAKER_OPEN', addrs: [] })
    expect(report.id).toMatch(/^local-[0-9a-f]{16}$/)
    expect(loads.some((u) => /\/mesh\/dist\/(bundle\/)?index\.js/.test(u))).toBe(true) // the hook did see the imports
    expect(libp2pModules(loads)).toEqual([])
    expect(sockets(report.resources)).toEqual([])
  })

  it('control: with the network on, the same checks see libp2p and a TCP listener', async () => {
    const { report, loads } = await runChild('network')
    expect(report).toMatchObject({ mode: 'network', state: 'open', refused: 'ERR_BREAKER_OPEN' })
    expect(libp2pModules(loads).length).toBeGreaterThan(0)
    expect(sockets(report.resources).length).toBeGreaterThan(0)
  })
})
