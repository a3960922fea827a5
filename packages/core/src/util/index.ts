export { EventEmitter, noopDisposer, onceEvent } from './Event.js'
export type { Disposer, Event, Listener } from './Event.js'
