export { startAdminServer } from './AdminServer.js'
export type { AdminServer, AdminServerOptions } from './AdminServer.js'
export { createAdminMetrics } from './AdminMetrics.js'
export type { AdminMetrics } from './AdminMetrics.js'
