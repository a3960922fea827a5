// What the numbers were measured on: machine, OS, Node, package versions, commit.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** CPU, cores, memory, OS and Node/V8 versions of this machine, now. */
export function machineInfo() {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memoryTotalMB: Math.round(os.totalmem() / 2 ** 20),
    memoryFreeMB: Math.round(os.freemem() / 2 ** 20),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
  }
}

function versionOf(name) {
  // Hoisted by npm workspaces into the root node_modules; read package.json directly,
  // since some packages' "exports" hide it from require.resolve.
  for (const dir of [`${ROOT}node_modules/${name}`, `${ROOT}packages/mesh/node_modules/${name}`]) {
    try {
      return JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')).version
    } catch {
      // try the next place
    }
  }
  return null
}

const PACKAGES = [
  '@breaker-mesh/core',
  '@breaker-mesh/mesh',
  'opossum',
  'cockatiel',
  'hdr-histogram-js',
  'libp2p',
  '@chainsafe/libp2p-gossipsub',
  '@chainsafe/libp2p-noise',
  '@chainsafe/libp2p-yamux',
  '@libp2p/tcp',
  'msgpackr',
]

/** Installed versions of the measured packages and the peers. */
export function packageVersions() {
  const out = {}
  for (const name of PACKAGES) out[name] = versionOf(name)
  return out
}

/** The checked-out commit, and whether the work tree differs from it (read-only git calls). */
export function gitInfo() {
  const run = (args) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    } catch {
      return null
    }
  }
  const commit = run(['rev-parse', '--short', 'HEAD'])
  const status = run(['status', '--porcelain', '--untracked-files=no'])
  return { commit, dirty: status === null ? null : status.length > 0 }
}
