/**
 * A monotonic clock in milliseconds. Core never reads the wall clock: every
 * timer (cooldown, suspicion, probe) is measured on the node's own monotonic
 * clock from the moment it learned a fact. The runtime passes
 * `performance.now()`; tests pass a `FakeClock`.
 */
export interface Clock {
  now(): number
}
