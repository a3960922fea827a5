import type { MeshEvent, MeshView } from '@breaker-mesh/mesh'
import type { NetnsPlan } from './plan.mjs'

export type BreakerView = MeshView['breakers'][number]

/** Absolute path of scripts/simulate. */
export const SIMULATE: string

/** Why this process cannot build namespace fleets (Linux, root, `ip netns`, the script), or null if it can. */
export function netnsUnavailable(): string | null

export interface SimulateResult {
  code: number
  stdout: string
  stderr: string
}

/** A scripts/simulate fleet seen from Node: runs the script, knows the addresses, talks to the admin APIs. */
export class NetnsFleet {
  constructor(options: {
    /** BMSIM_ID, 0..255. */
    id: number
    /** Nodes, 1..100. */
    size: number
    /** Extra environment for scripts/simulate (BMSIM_CLI, BMSIM_STATE_DIR …). */
    env?: Record<string, string>
    log?: (text: string) => void
  })
  readonly id: number
  readonly size: number
  readonly plan: NetnsPlan
  /** Where scripts/simulate keeps logs, pid files, the fleet key and the admin token. */
  readonly stateDir: string
  /** 1..size */
  readonly indexes: number[]
  ip(i: number): string
  /** host:port of node i's admin API. */
  admin(i: number): string
  adminUrl(i: number): string
  /** host:port of the flaky upstream on the bridge. */
  readonly upstream: string
  /** Run `scripts/simulate ARGS`; never rejects on a non-zero exit. Default timeout 180 s. */
  run(args: readonly string[], options?: { timeoutMs?: number }): Promise<SimulateResult>
  /** stdout on exit 0, else rejects with the script's output. */
  runOk(args: readonly string[], options?: { timeoutMs?: number }): Promise<string>
  /** Tear down leftovers, then `up SIZE [--rps R] [-- nodeArgs]`; torn down on process exit until down(). */
  up(options?: { nodeArgs?: readonly string[]; rps?: number; timeoutMs?: number }): Promise<string>
  /** Always safe; never rejects. */
  down(): Promise<void>
  partition(...groups: number[][]): Promise<string>
  heal(): Promise<string>
  netem(args: readonly string[]): Promise<string>
  /** The fleet's admin token (written by `up`). */
  adminToken(): string
  /** One admin API call (POSTs carry the admin token); parsed JSON body; rejects on an error status. */
  http<T = unknown>(i: number, method: string, path: string, timeoutMs?: number): Promise<T>
  view(i: number, timeoutMs?: number): Promise<MeshView>
  /** Views of the given nodes (default all); undefined where a node did not answer in `timeoutMs` (default 2 s). */
  views(indexes?: readonly number[], timeoutMs?: number): Promise<Array<MeshView | undefined>>
  /** True when every given node (default all) answers and lists every node of the fleet alive. */
  allAlive(indexes?: readonly number[]): Promise<boolean>
  writeMany(i: number, op: 'force-open' | 'force-close' | 'reset', names: readonly string[], concurrency?: number): Promise<void>
  /** Follow node i's event stream; returns a function that closes it. */
  follow(i: number, onEvent: (event: MeshEvent) => void, onError?: (err: Error) => void): () => void
}

export function breakerOf(view: MeshView, name: string): BreakerView | undefined
/** A digest of a view's table; equal digests, equal tables. */
export function viewFingerprint(view: MeshView): string
