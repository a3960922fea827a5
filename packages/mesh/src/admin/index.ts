/**
 * The admin HTTP API. `startAdminServer` loads the server (and prom-client,
 * ~11 MB of memory) on first use, so a mesh without an admin API never pays
 * for it.
 */
import type { AdminServer, AdminServerOptions } from './AdminServer.js'
import type { AdminTarget } from '../MeshView.js'

export type { AdminServer, AdminServerOptions } from './AdminServer.js'
export type { AdminMetrics } from './AdminMetrics.js'
export type { AdminLimitsOptions } from './limits.js'

/**
 * Serve the admin HTTP API for `target` (a running mesh): see `AdminServer.ts`
 * for the routes, the token, the Host and Origin checks and the bounds.
 */
export async function startAdminServer(target: AdminTarget, options: AdminServerOptions): Promise<AdminServer> {
  const { startAdminServer: start } = await import('./AdminServer.js')
  return start(target, options)
}
