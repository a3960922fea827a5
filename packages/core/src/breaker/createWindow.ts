import type { ResolvedWindowOptions } from './BreakerOptions.js'
import { CountWindow } from './CountWindow.js'
import { TimeWindow } from './TimeWindow.js'
import type { Window } from './Window.js'

/** The sliding window the options describe. */
export function createWindow(options: ResolvedWindowOptions): Window {
  return options.kind === 'time' ? new TimeWindow(options.ms, options.buckets) : new CountWindow(options.size, options.buckets)
}
