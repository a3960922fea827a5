/**
 * The one polling helper (scripts/lib/poll.mjs): what counts as done, what a
 * timeout says, abort, and the invariant watch. In-process, short deadlines.
 */
import { describe, expect, it } from 'vitest'
import { observeFor, pause, pollUntil, withTimeout } from '../../scripts/lib/poll.mjs'

describe('pollUntil', () => {
  it('resolves with the first value that is not undefined, null or false (0 and "" are values)', async () => {
    const answers: unknown[] = [undefined, null, false, 0]
    let looks = 0
    expect(await pollUntil(() => answers[looks++], { timeoutMs: 5_000, intervalMs: 1 })).toBe(0)
    expect(looks).toBe(4)
    expect(await pollUntil(async () => '', { timeoutMs: 5_000 })).toBe('')
    expect(await pollUntil(() => true, { timeoutMs: 0 })).toBe(true)
  })

  it('times out with WaitTimeoutError naming what it waited for and the last look', async () => {
    let n = 0
    const err = await pollUntil(() => (n++, false), { timeoutMs: 50, intervalMs: 5, what: 'the moon', describe: () => `looked ${n} times` }).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'WaitTimeoutError', code: 'ERR_WAIT_TIMEOUT' })
    expect((err as Error).message).toMatch(/^timed out after 50 ms waiting for the moon \(last look: looked \d+ times\)$/)
    expect(n).toBeGreaterThan(1)
  })

  it('gives up at once when its signal aborts, and lets an error of the check through', async () => {
    const controller = new AbortController()
    const waiting = pollUntil(() => false, { timeoutMs: 60_000, intervalMs: 60_000, what: 'nothing', signal: controller.signal })
    controller.abort()
    await expect(waiting).rejects.toMatchObject({ name: 'WaitAbortedError', code: 'ERR_WAIT_ABORTED' })
    await expect(
      pollUntil(
        () => {
          throw new Error('broken probe')
        },
        { timeoutMs: 1_000 },
      ),
    ).rejects.toThrow('broken probe')
  })

  it('rejects a missing or negative deadline with a RangeError naming the field', async () => {
    await expect(pollUntil(() => true, {} as never)).rejects.toThrow(RangeError)
    await expect(pollUntil(() => true, { timeoutMs: -1 })).rejects.toThrow(/timeoutMs must be a finite number of ms >= 0, got -1/)
    await expect(pollUntil(() => true, { timeoutMs: 10, intervalMs: Number.NaN })).rejects.toThrow(/intervalMs/)
  })
})

describe('observeFor, withTimeout, pause', () => {
  it('observeFor looks at least once and sums what each look saw', async () => {
    let looks = 0
    const total = await observeFor(30, async () => (looks++, 2), { intervalMs: 5 })
    expect(total).toBe(2 * looks)
    expect(looks).toBeGreaterThanOrEqual(1)
    await expect(
      observeFor(1_000, async () => {
        throw new Error('invariant broken')
      }),
    ).rejects.toThrow('invariant broken')
  })

  it('withTimeout passes a settled value through and rejects one that takes too long', async () => {
    expect(await withTimeout(Promise.resolve(7), 1_000, 'seven')).toBe(7)
    await expect(withTimeout(new Promise(() => {}), 20, 'forever')).rejects.toMatchObject({ code: 'ERR_WAIT_TIMEOUT', message: 'timed out after 20 ms waiting for forever' })
  })

  it('pause ends early when its signal aborts', async () => {
    const controller = new AbortController()
    const p = pause(60_000, controller.signal)
    controller.abort()
    await expect(p).resolves.toBeUndefined()
  })
})
