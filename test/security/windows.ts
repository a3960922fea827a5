/** Assert `check` holds at every poll for `ms`: an invariant over a window, not a sleep-then-look. */
export async function waitWindow(ms: number, check: () => Promise<void>): Promise<void> {
  const end = performance.now() + ms
  do {
    await check()
    await new Promise((r) => setTimeout(r, 250))
  } while (performance.now() < end)
}
