/**
 * The one interface the shared scenario suite drives. Two implementations:
 * `memoryFleet` (FleetNode on core's MemoryNetwork, fake time) and
 * `processFleet` (real libp2p nodes in child processes on 127.0.0.1).
 */
export type CallResult = 'ok' | 'failed' | 'rejected'

export interface ScenarioView {
  members: Array<{ id: string; status: string; incarnation: number }>
  breakers: Array<{
    name: string
    state: string
    override: string | null
    prober: string | null
    version: { lamport: number; origin: string; vclock?: Record<string, number> }
    concurrent: boolean
  }>
}

/** A stand-in for the dependency every node calls. */
export interface Upstream {
  /** Requests that reached it. */
  readonly hits: number
  setHealthy(healthy: boolean): void
}

export interface ScenarioFleet {
  readonly label: string
  /** Limits the scenarios assert, from the profile in use. */
  readonly bounds: {
    /** SIGKILL → every other node says dead */
    deadMs: number
    /** graceful stop → every other node says left */
    leftMs: number
    /** a write → every node has it */
    propagateMs: number
  }
  readonly upstream: Upstream
  size(): number
  id(i: number): string
  /** n synthetic calls on node i through breaker `name` (tryAcquire + record). */
  callMany(i: number, name: string, n: number, ok: boolean): Promise<{ ok: number; failed: number; rejected: number }>
  /** One call on node i through `name` to the upstream. */
  call(i: number, name: string): Promise<CallResult>
  view(i: number): Promise<ScenarioView>
  /** When node i applied the latest change of `name` to `state` (ms on a clock shared by all nodes), if it did. */
  changedAt(i: number, name: string, state: string): Promise<number | undefined>
  forceOpen(i: number, name: string): Promise<void>
  forceClose(i: number, name: string): Promise<void>
  /** Several nodes' commands issued at the same instant, none seeing the others' result first. */
  concurrently(ops: Array<() => Promise<void>>): Promise<void>
  kill(i: number): Promise<void>
  stop(i: number): Promise<void>
  /** A new node joins via node 0; resolves when its createMesh() resolves. Returns its index. */
  add(): Promise<number>
  /** Poll until `check` holds (advancing fake time in the memory fleet); returns elapsed ms. */
  waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number>
  close(): Promise<void>
}

/** Breaker options every scenario uses. */
export const SCENARIO_BREAKER = {
  failureRate: 50,
  minimumCalls: 5,
  window: { kind: 'count', size: 20 },
  cooldownMs: 1500,
  halfOpenMaxCalls: 1,
} as const
