import type { MeshView } from '@breaker-mesh/mesh'

type Obj = Record<string, unknown>

/**
 * Enough of a shape check of a `GET /v1/view` answer that formatting it
 * cannot throw, even when --admin points at some other server.
 */
export function isMeshView(value: unknown): value is MeshView {
  if (!isObject(value) || !isObject(value['node'])) return false
  const node = value['node']
  if (typeof node['id'] !== 'string' || typeof node['name'] !== 'string' || !isStrings(node['addrs'])) return false
  const { members, breakers } = value
  return (
    Array.isArray(members) &&
    members.every(
      (m: unknown) =>
        isObject(m) &&
        typeof m['id'] === 'string' &&
        typeof m['name'] === 'string' &&
        typeof m['status'] === 'string' &&
        typeof m['incarnation'] === 'number' &&
        isStrings(m['addrs']),
    ) &&
    Array.isArray(breakers) &&
    breakers.every(
      (b: unknown) =>
        isObject(b) &&
        typeof b['name'] === 'string' &&
        typeof b['state'] === 'string' &&
        typeof b['reason'] === 'string' &&
        isObject(b['version']) &&
        typeof b['version']['origin'] === 'string' &&
        isObject(b['local']),
    )
  )
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string')
}
