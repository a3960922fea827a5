/**
 * `@breaker-mesh/mesh/testing`: for tests and benchmarks, never for
 * production code. In-process meshes over core's `MemoryNetwork`
 * (`MemoryHostNetwork`, `MemoryHost`, `createMeshWith`), and read access to a
 * mesh's fleet node (`fleetNodeOf`: its table, membership and counters).
 */
export { createMeshWith } from '../createMesh.js'
export { fleetNodeOf } from '../Mesh.js'
export { MemoryHost } from './MemoryHost.js'
export type { MemoryHostOptions, MemoryPacket } from './MemoryHost.js'
export { MemoryHostNetwork } from './MemoryHostNetwork.js'
export type { MemoryHostNetworkOptions } from './MemoryHostNetwork.js'
