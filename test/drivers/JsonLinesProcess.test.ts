/**
 * The one child-process driver (scripts/lib/JsonLinesProcess.mjs) against a real
 * child speaking JSON lines (fixtures/json-child.mjs): replies by id, events,
 * failures named by code, and no child left behind.
 */
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { JsonLinesProcess, type ProcessEvent } from '../../scripts/lib/JsonLinesProcess.mjs'
import { liveChildren } from '../../scripts/lib/children.mjs'
import { runJsonScript } from '../../scripts/lib/runJsonScript.mjs'

const CHILD = fileURLToPath(new URL('./fixtures/json-child.mjs', import.meta.url))
const started: JsonLinesProcess[] = []

function child(config: Record<string, unknown> = {}, options: { keepEvents?: boolean; onEvent?: (e: ProcessEvent) => void } = {}): JsonLinesProcess {
  const p = new JsonLinesProcess('child', CHILD, { args: [JSON.stringify(config)], ...options })
  started.push(p)
  return p
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.kill()))
})

describe('JsonLinesProcess', () => {
  it('resolves ready with the ready event, answers commands by id, keeps events in order', async () => {
    const seen: string[] = []
    const p = child({}, { onEvent: (e) => seen.push(e.event) })
    const ready = await p.whenReady(30_000)
    expect(ready).toMatchObject({ event: 'ready', pid: p.pid })
    expect(p.readyEvent).toBe(ready)
    const [a, b] = await Promise.all([p.command({ cmd: 'echo', n: 1 }), p.command({ cmd: 'echo', n: 2 })])
    expect([a, b]).toMatchObject([{ n: 1 }, { n: 2 }])
    const mark = p.events.length
    await p.command({ cmd: 'emit', events: [{ event: 'tick', k: 1 }, { event: 'tock', k: 2 }] })
    expect(p.events.slice(mark).map((e) => e.event)).toEqual(['tick', 'tock'])
    expect(await p.waitForEvent((e) => e.event === 'tock', { from: mark })).toMatchObject({ k: 2 })
    expect(seen).toEqual(['ready', 'tick', 'tock'])
  })

  it('names each failure by code: an error reply, no reply in time, an exit before ready', async () => {
    const p = child()
    await p.whenReady(30_000)
    await expect(p.command({ cmd: 'fail' })).rejects.toMatchObject({ code: 'ERR_COMMAND_FAILED', message: expect.stringContaining('told to fail') })
    await expect(p.command({ cmd: 'silent' }, 200)).rejects.toMatchObject({ code: 'ERR_PROCESS_TIMEOUT', message: expect.stringContaining('no reply to silent') })
    await expect(p.waitForEvent((e) => e.event === 'never', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'ERR_PROCESS_TIMEOUT' })

    const early = child({ exitCode: 3 })
    await expect(early.ready).rejects.toMatchObject({ code: 'ERR_PROCESS_EXITED', message: expect.stringContaining('told to exit before ready') })
    expect(early.exitStatus).toBe(3)
    await expect(early.command({ cmd: 'echo' })).rejects.toMatchObject({ code: 'ERR_PROCESS_EXITED' })

    const never = child({ ready: false })
    await expect(never.whenReady(300)).rejects.toMatchObject({ code: 'ERR_PROCESS_TIMEOUT' })
  })

  it('a pending command fails when the child exits, but a reply written just before exiting arrives', async () => {
    const p = child()
    await p.whenReady(30_000)
    expect(await p.command({ cmd: 'reply-then-exit' })).toMatchObject({ last: true })
    const q = child()
    await q.whenReady(30_000)
    const pending = q.command({ cmd: 'silent' })
    await q.command({ cmd: 'exit', code: 0 }).catch(() => undefined)
    await expect(pending).rejects.toMatchObject({ code: 'ERR_PROCESS_EXITED' })
    await expect(q.waitForEvent((e) => e.event === 'never')).rejects.toMatchObject({ code: 'ERR_PROCESS_EXITED' })
  })

  it('stop() lets the child exit on stdin closing, and SIGKILLs one that does not', async () => {
    const polite = child()
    await polite.whenReady(30_000)
    await polite.stop(10_000)
    expect(polite.exitStatus).toBe(0)

    const stubborn = child({ stubborn: true })
    await stubborn.whenReady(30_000)
    await stubborn.stop(300)
    expect(stubborn.exitStatus).toBe('SIGKILL')
    expect(liveChildren()).toBe(0)
  })
})

describe('runJsonScript', () => {
  it('resolves with the last JSON line of a script that ends; rejects a non-zero exit with its stderr', async () => {
    const script = fileURLToPath(new URL('./fixtures/one-shot.mjs', import.meta.url))
    expect(await runJsonScript(script, { value: 42 })).toEqual({ doubled: 84 })
    await expect(runJsonScript(script, { fail: true })).rejects.toMatchObject({ code: 'ERR_PROCESS_EXITED', message: expect.stringContaining('asked to fail') })
    await expect(runJsonScript(script, { hang: true }, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'ERR_PROCESS_TIMEOUT' })
    const controller = new AbortController()
    const aborted = runJsonScript(script, { hang: true }, { signal: controller.signal })
    controller.abort()
    await expect(aborted).rejects.toMatchObject({ code: 'ERR_PROCESS_TIMEOUT', message: expect.stringContaining('abort') })
    expect(liveChildren()).toBe(0)
  })
})
