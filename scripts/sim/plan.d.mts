export const SUBNET_PREFIX: string
export const NODE_IP_BASE: number
export const LISTEN_PORT: number
export const ADMIN_PORT: number
export const UPSTREAM_PORT: number
export const MAX_NODES: number
export const MAX_ID: number

/** The address plan of scripts/simulate fleet `id` (0..255). */
export interface NetnsPlan {
  readonly id: number
  /** First three octets, e.g. '10.213.5'. */
  readonly net: string
  /** e.g. '10.213.5.0/24' */
  readonly subnet: string
  readonly bridge: string
  readonly bridgeIp: string
  readonly nsPrefix: string
  readonly vethPrefix: string
  /** Default state directory (BMSIM_STATE_DIR overrides it). */
  readonly stateDir: string
  /** host:port of the flaky upstream on the bridge. */
  readonly upstream: string
  namespace(i: number): string
  veth(i: number): string
  ip(i: number): string
  /** host:port of node i's libp2p listener. */
  listen(i: number): string
  /** host:port of node i's admin API. */
  admin(i: number): string
}

export function netnsPlan(id: number): NetnsPlan
/** The plan as shell assignments, for scripts/simulate. */
export function shellAssignments(id: number): string
