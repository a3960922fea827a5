/**
 * deploy/k8s: every manifest parses, passes the Kubernetes API schema
 * (kubernetes-models: types, required fields, quantity formats), and holds
 * the settings the README promises, checked against the code and the
 * measurements they are derived from.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { Service } from 'kubernetes-models/v1/Service'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'

const DIR = fileURLToPath(new URL('./', import.meta.url))
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const read = (path: string): string => readFileSync(`${ROOT}${path}`, 'utf8')

type Doc = Record<string, any>

function load(file: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(`${DIR}${file}`, 'utf8'))
  for (const doc of docs) {
    if (doc.errors.length > 0 || doc.warnings.length > 0) {
      throw new Error(`${file}: ${[...doc.errors, ...doc.warnings].map((e) => e.message).join('; ')}`)
    }
  }
  return docs.map((d) => d.toJS() as Doc)
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'))
const manifests = files.filter((f) => f !== 'kustomization.yaml').flatMap((f) => load(f).map((doc) => ({ file: f, doc })))
const find = (kind: string, name: string): Doc => {
  const found = manifests.find((m) => m.doc['kind'] === kind && m.doc['metadata']?.name === name)
  if (found === undefined) throw new Error(`no ${kind} ${name} in deploy/k8s`)
  return found.doc
}

/** A Kubernetes quantity ("160Mi", "50m", "1G") as a number of bytes or cores. */
function quantity(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|k|M|G)?$/.exec(q)
  if (m === null) throw new Error(`not a quantity: ${q}`)
  const scale: Record<string, number> = { m: 1e-3, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9 }
  return Number(m[1]) * (m[2] === undefined ? 1 : scale[m[2]]!)
}

describe('deploy/k8s manifests', () => {
  it('parse and pass the Kubernetes API schema', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(5)
    const models: Record<string, new (doc: Doc) => { validate(): void }> = {
      'apps/v1 Deployment': Deployment,
      'v1 Service': Service,
      'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
    }
    for (const { file, doc } of manifests) {
      const model = models[`${doc['apiVersion']} ${doc['kind']}`]
      expect(model, `${file}: unexpected ${doc['apiVersion']} ${doc['kind']}`).toBeDefined()
      expect(() => new model!(doc).validate(), file).not.toThrow()
    }
  })

  it('kustomization.yaml lists every manifest', () => {
    const [kustomization] = load('kustomization.yaml')
    expect([...(kustomization!['resources'] as string[])].sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml').sort())
  })

  it('the seed is a headless Service publishing not-ready pods, and says why', () => {
    const service = find('Service', 'breaker-mesh')
    expect(service['spec']).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true })
    expect(readFileSync(`${DIR}service.yaml`, 'utf8')).toMatch(/# Why publish pods that are not Ready:[^]*deadlock/)
    const deployment = find('Deployment', 'breaker-mesh')
    expect(deployment['spec'].template.metadata.labels).toMatchObject(service['spec'].selector)
    const container = deployment['spec'].template.spec.containers[0]
    const gossip = service['spec'].ports.find((p: Doc) => p['name'] === 'gossip')
    const env = new Map<string, Doc>(container.env.map((e: Doc) => [e['name'], e]))
    // Nodes join through the Service's own DNS name and port.
    expect(env.get('BREAKER_MESH_JOIN')?.['value']).toBe(`${service['metadata'].name}:${gossip.port}`)
    expect(container.ports.find((p: Doc) => p['name'] === gossip.targetPort)?.containerPort).toBe(gossip.port)
  })

  it('probes readiness on /readyz and liveness on /healthz of the admin port the node listens on', () => {
    const container = find('Deployment', 'breaker-mesh')['spec'].template.spec.containers[0]
    expect(container.args[0]).toBe('start')
    const admin = container.args[container.args.indexOf('--admin') + 1] as string
    const adminPort = container.ports.find((p: Doc) => p['name'] === 'admin')
    expect(admin).toBe(`0.0.0.0:${adminPort.containerPort}`)
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'admin' })
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'admin' })
    expect(container.args).toContain('--no-mdns')
  })

  it('reads the fleet key and admin token from a Secret mounted as files', () => {
    const spec = find('Deployment', 'breaker-mesh')['spec'].template.spec
    const container = spec.containers[0]
    const env = new Map<string, string>(container.env.map((e: Doc) => [e['name'], e['value']]))
    const mount = container.volumeMounts.find((m: Doc) => m['name'] === 'secrets')
    const volume = spec.volumes.find((v: Doc) => v['name'] === 'secrets')
    expect(mount.readOnly).toBe(true)
    const files = (volume.secret.items as Doc[]).map((i) => `${mount.mountPath}/${i['path']}`)
    expect(files).toContain(env.get('BREAKER_MESH_FLEET_KEY_FILE'))
    expect(files).toContain(env.get('BREAKER_MESH_ADMIN_TOKEN_FILE'))
    // Secret values never appear in a manifest.
    expect(container.env.every((e: Doc) => !/TOKEN$|KEY$/.test(e['name']))).toBe(true)
  })

  it('sets only environment variables the CLI reads', () => {
    const main = read('packages/cli/src/main.ts')
    const known = new Set([...main.matchAll(/\$\{ENV\}([A-Z_]+)/g)].map((m) => `BREAKER_MESH_${m[1]}`))
    for (const m of main.matchAll(/BREAKER_MESH_[A-Z_]+/g)) known.add(m[0])
    expect(known).toContain('BREAKER_MESH_FLEET_KEY_FILE')
    expect(known).toContain('BREAKER_MESH_ADMIN_TOKEN_FILE')
    const container = find('Deployment', 'breaker-mesh')['spec'].template.spec.containers[0]
    for (const { name } of container.env as Array<{ name: string }>) expect(known, name).toContain(name)
  })

  it('gives the graceful leave its full deadline before SIGKILL', () => {
    const deadline = /const STOP_DEADLINE_MS = ([\d_]+)/.exec(read('packages/cli/src/commands/start.ts'))
    expect(deadline).not.toBeNull()
    const deadlineS = Number(deadline![1]!.replaceAll('_', '')) / 1000
    const grace = find('Deployment', 'breaker-mesh')['spec'].template.spec.terminationGracePeriodSeconds as number
    expect(grace).toBeGreaterThan(deadlineS)
    expect(grace).toBeLessThanOrEqual(deadlineS + 10)
  })

  it('requests at least the measured RSS of a node in a 25-peer fleet, and limits memory above it', () => {
    const measured = /RSS per node, 2[56] nodes \(max\) \|[^|]*\| ([\d.,]+) MB/.exec(read('BENCHMARKS.md'))
    expect(measured, 'BENCHMARKS.md cost row').not.toBeNull()
    const rssBytes = Number(measured![1]!.replaceAll(',', '')) * 1e6
    const { requests, limits } = find('Deployment', 'breaker-mesh')['spec'].template.spec.containers[0].resources
    expect(quantity(requests.memory)).toBeGreaterThanOrEqual(rssBytes)
    expect(quantity(limits.memory)).toBeGreaterThan(quantity(requests.memory))
    expect(quantity(requests.cpu)).toBeGreaterThan(0)
    expect(limits.cpu).toBeUndefined()
  })
})
