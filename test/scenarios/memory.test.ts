import { defineScenarios } from './scenarios.js'
import { memoryFleet } from './memoryFleet.js'

// The same scenario suite as process.test.ts, on core's MemoryNetwork in fake time.
defineScenarios('MemoryNetwork', memoryFleet, 5)
