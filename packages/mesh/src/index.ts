import './polyfill.js'
export { createMesh, Mesh } from './Mesh.js'
export type { CreateMeshOptions } from './Mesh.js'
export { MeshBreaker } from './MeshBreaker.js'
export type { CallStats } from './MeshBreaker.js'
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
export type { HostLogger } from './log.js'
export type { MeshOptions, MeshView, MeshEvent, MeshStats, AdminTarget } from './MeshApi.js'
export * from './admin/index.js'
export { InsecureConfigError } from './errors.js'
export { BreakerOpenError, BreakerTimeoutError, InvalidBreakerNameError, FleetKeyError, parseFleetKey, formatFleetKey } from '@breaker-mesh/core'
export type { BreakerOptions, BreakerState, Disposer, Event, Override } from '@breaker-mesh/core'
