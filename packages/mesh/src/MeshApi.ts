/**
 * Moved: the view contract is in `MeshView.ts`, the options in
 * `MeshOptions.ts`. This re-export stays only for `dashboard/types.ts` (not
 * this package's tsc build); delete it once the dashboard imports `MeshView.js`.
 */
export type { AdminTarget, MeshEvent, MeshStats, MeshView } from './MeshView.js'
export type { MeshOptions } from './MeshOptions.js'
