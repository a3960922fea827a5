/**
 * Drive the real `breaker-mesh` binary as a child process (for the tests of
 * packages/cli that need the compiled dist: `npm run build`, and for
 * test/helpers/cliNode.ts). Every child is tracked (scripts/lib/children.mjs):
 * one still running when the test process exits is SIGKILLed.
 */
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { spawnTracked } from '../../../scripts/lib/children.mjs'
import { pollUntil } from '../../../scripts/lib/poll.mjs'

export const BIN = fileURLToPath(new URL('../bin/breaker-mesh.js', import.meta.url))
export const BUILT = existsSync(fileURLToPath(new URL('../dist/main.js', import.meta.url)))

/** The parent's environment without any BREAKER_MESH_* leaking in, plus `extra`. */
export function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BREAKER_MESH_')))
  return { ...clean, ...extra }
}

export interface Result {
  code: number | null
  stdout: string
  stderr: string
}

export function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(process.execPath, [BIN, ...args], { env: env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** A long-running child whose output is watched line by line. */
export class Running {
  stdout = ''
  stderr = ''
  readonly exited: Promise<number | null>

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (c: Buffer) => (this.stdout += c.toString()))
    child.stderr?.on('data', (c: Buffer) => {
      this.stderr += c.toString()
      if (this.stderr.length > 64_000) this.stderr = this.stderr.slice(-32_000)
    })
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)))
  }

  static spawn(args: string[], extraEnv: Record<string, string> = {}): Running {
    return new Running(spawnTracked(process.execPath, [BIN, ...args], { env: env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] }))
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** Wait for `re` on one of the outputs, failing if the process exits first. */
  match(stream: 'stdout' | 'stderr', re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    return pollUntil(
      () => {
        const m = this[stream].match(re)
        if (m) return m
        if (!this.running) throw new Error(`exited (${this.child.exitCode ?? this.child.signalCode}) before ${re}: ${this.stderr}`)
        return undefined
      },
      { timeoutMs, intervalMs: 20, what: `${re} on ${stream}`, describe: () => `stderr: ${this.stderr}` },
    )
  }
}

/** Poll `probe` until it returns a value (not undefined); scripts/lib/poll.mjs's pollUntil with this file's defaults. */
export function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  return pollUntil(probe, { timeoutMs, intervalMs: 100, what }) as Promise<T>
}
