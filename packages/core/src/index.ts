/**
 * The public surface of @breaker-mesh/core: what an embedder or the mesh
 * runtime needs. Everything else is internal and may change without notice;
 * the simulator and its helpers are in `@breaker-mesh/core/testing`.
 */

// ---- shared vocabulary
export type { BreakerState, Channel, Decision, DirectChannel, MemberStatus, NodeId, Override, Verdict } from './types.js'
export type { Clock } from './clock/Clock.js'

// ---- a fleet member: breakers shared fleet-wide (what the mesh runs)
export { FleetNode } from './node/FleetNode.js'
export type { BreakerChange, FleetCounters, FleetNodeInit, FleetTransport } from './node/FleetTypes.js'
export type { DecisionView, OpinionView } from './node/FleetDecisions.js'
export { FleetBreaker } from './node/FleetBreaker.js'
export type { BreakerCounters } from './node/FleetBreaker.js'
export { DEFAULT_RECORD_TTL_MS, DEFAULT_VCLOCK_TTL_MS, resolveFleetOptions } from './node/FleetOptions.js'
export type { FleetOptions, ResolvedFleetOptions } from './node/FleetOptions.js'

// ---- one breaker, on its own or inside a fleet node
export { CircuitBreaker } from './breaker/CircuitBreaker.js'
export type { BreakerHooks, BreakerSnapshot, RemoteState, Transition } from './breaker/CircuitBreaker.js'
export { defaultBreakerOptions, resolveBreakerOptions } from './breaker/BreakerOptions.js'
export type { BreakerOptions, ResolvedBreakerOptions, ResolvedWindowOptions, WindowOptions } from './breaker/BreakerOptions.js'
export type { BreakerStatus, ClosedStatus, HalfOpenStatus, OpenStatus } from './breaker/BreakerStatus.js'
export { BreakerOpenError } from './breaker/BreakerOpenError.js'
export type { BreakerOpenErrorInit } from './breaker/BreakerOpenError.js'
export { BreakerTimeoutError } from './breaker/BreakerTimeoutError.js'
export type { BreakerTimeoutErrorInit } from './breaker/BreakerTimeoutError.js'

// ---- the replicated records (`FleetNode.table`)
export { BreakerTable, DEFAULT_MAX_RECORDS } from './table/BreakerTable.js'
export type { BreakerTableOptions, MergeRefusal, MergeResult } from './table/BreakerTable.js'
export { MAX_NAME_LENGTH, MAX_OPEN_COUNT, MAX_REASON_LENGTH } from './table/BreakerRecord.js'
export { effectiveState } from './table/BreakerRecord.js'
export type { BreakerRecord, RecordPayload } from './table/BreakerRecord.js'
export type { Opinion } from './table/Opinion.js'
export type { DigestEntry } from './table/digest.js'
export { BREAKER_NAME_PATTERN, assertBreakerName, isBreakerName } from './table/assertBreakerName.js'
export { InvalidBreakerNameError } from './table/InvalidBreakerNameError.js'
export { TableFullError } from './table/TableFullError.js'

// ---- membership (`FleetNode.swim`) and its timing
export type { Member } from './membership/Member.js'
export type { Swim, MemberChangeListener } from './membership/Swim.js'
export { DEFAULT_MAX_MEMBERS, PIGGYBACK_BYTES } from './membership/Swim.js'
export { profiles, resolveSwimConfig, validateSwimConfig } from './membership/SwimConfig.js'
export type { SwimConfig, SwimConfigInput, SwimProfileName } from './membership/SwimConfig.js'
// suspicionTimeout: how long a crash takes to be declared, for tests and operators' bounds
export { suspicionTimeout } from './membership/timeouts.js'

// ---- the wire format (the runtime frames these bytes; tests and tools forge them)
export { decodeMessage, encodeMessage } from './wire/codec.js'
export { PROTOCOL_VERSION, WIRE_LIMITS } from './wire/messages.js'
export type {
  DeltaMessage,
  MemberUpdate,
  OpinionUpdate,
  OutgoingMessage,
  RecordUpdate,
  SyncMessage,
  SyncRequestMessage,
  SyncResponseMessage,
  Update,
  WireAck,
  WireMessage,
  WireMessageType,
  WirePing,
  WirePingReq,
  WireSwimMessage,
} from './wire/messages.js'
export type { DecodeStats } from './wire/readMessage.js'
export { WireError } from './wire/WireError.js'
export type { WireErrorCode } from './wire/WireError.js'

// ---- security, addresses
export { FLEET_KEY_BYTES, FleetKeyError, formatFleetKey, parseFleetKey } from './security/fleetKey.js'
export { isLoopbackHost } from './security/isLoopbackHost.js'
export { MAX_ADMIN_TOKEN_LENGTH, MIN_ADMIN_TOKEN_LENGTH, checkAdminToken } from './security/adminToken.js'
export { parseHostPort } from './parseHostPort.js'
export type { HostPort } from './parseHostPort.js'

// ---- the one typed-event helper and the one set of option checks, for every package
export { EventEmitter, noopDisposer, onceEvent } from './util/Event.js'
export type { Disposer, Event, Listener } from './util/Event.js'
export {
  FLEET_NAME,
  booleanOption,
  fleetName,
  functionOption,
  integerAtLeast,
  integerIn,
  invalid,
  numberAtLeast,
  numberIn,
  numberOver,
  oneOf,
  stringOf,
} from './util/validate.js'
