/**
 * `@breaker-mesh/mesh`: what an application embedding breaker-mesh needs.
 * Start a node with `createMesh()`, get breakers with `mesh.breaker()`, serve
 * the admin API with `startAdminServer()` (or `createMesh({ admin })`), tie an
 * opossum circuit with `syncOpossum()`. Tests and benchmarks reach further in
 * through `@breaker-mesh/mesh/testing`.
 */
import './polyfill.js'
// Starting a node
export { createMesh } from './createMesh.js'
export type { CreateMeshOptions, MeshOptions } from './MeshOptions.js'
export { Mesh } from './Mesh.js'
export { InsecureConfigError } from './InsecureConfigError.js'
export type { HostLogger } from './log.js'
// Breakers and calls
export { MeshBreaker } from './MeshBreaker.js'
export type { CallStats } from './MeshBreaker.js'
export type { Refusal, TryResult } from './call/TryResult.js'
export type {
  BreakerStateEvent,
  CallFailureEvent,
  CallRejectEvent,
  CallSuccessEvent,
  CallTimeoutEvent,
  MeshBreakerEventName,
  MeshBreakerEvents,
} from './call/breakerEvents.js'
export { defaultIsFailureStatus } from './call/callOptions.js'
export type {
  CallContext,
  CallPolicyOptions,
  ExecuteOptions,
  Fallback,
  FallbackCause,
  FallbackContext,
  MeshBreakerOptions,
} from './call/callOptions.js'
export { DURATION_BUCKETS_SECONDS } from './call/DurationHistogram.js'
export type { DurationSnapshot } from './call/DurationHistogram.js'
export { syncOpossum } from './interop/syncOpossum.js'
export type { OpossumCircuit } from './interop/syncOpossum.js'
// What a node shows: the view contract and the admin API
export type { MeshView, MeshEvent, MeshStats, AdminTarget } from './MeshView.js'
export * from './admin/index.js'
// From core, so that an embedder needs one import
export { BreakerOpenError, BreakerTimeoutError, InvalidBreakerNameError, FleetKeyError, parseFleetKey, formatFleetKey } from '@breaker-mesh/core'
export type { BreakerOptions, BreakerState, Disposer, Event, Override } from '@breaker-mesh/core'
