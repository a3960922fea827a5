const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Look at the system repeatedly for `durationMs` (a poll, not a sleep: each look
 * asserts, so a violation fails at once). `look` returns how many observations it
 * made (e.g. views that answered); the total is returned so a test can insist that
 * the window was not empty.
 */
export async function observeFor(durationMs: number, look: () => Promise<number>, intervalMs = 200): Promise<number> {
  const until = performance.now() + durationMs
  let observations = 0
  while (performance.now() < until) {
    observations += await look()
    await pause(intervalMs)
  }
  return observations
}
