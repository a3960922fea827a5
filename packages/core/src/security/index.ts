export { FLEET_KEY_BYTES, FleetKeyError, formatFleetKey, parseFleetKey } from './fleetKey.js'
export { isLoopbackHost } from './isLoopbackHost.js'
export { MIN_ADMIN_TOKEN_LENGTH, MAX_ADMIN_TOKEN_LENGTH, checkAdminToken } from './adminToken.js'
