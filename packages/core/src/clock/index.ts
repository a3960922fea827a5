export type { Clock } from './Clock.js'
export * from './VectorClock.js'
export * from './LamportClock.js'
export * from './VClockPruner.js'
