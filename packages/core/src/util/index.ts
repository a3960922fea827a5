export { EventEmitter, noopDisposer, onceEvent } from './Event.js'
export type { Disposer, Event, Listener } from './Event.js'
export { FLEET_NAME, booleanOption, fleetName, functionOption, integerIn, numberIn, oneOf, stringOf } from './validate.js'
