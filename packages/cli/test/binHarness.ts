/**
 * Drive the real `breaker-mesh` binary as a child process (for the tests of
 * packages/cli that need the compiled dist: `npm run build`).
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

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
    const child = spawn(process.execPath, [BIN, ...args], { env: env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] })
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
    child.stderr?.on('data', (c: Buffer) => (this.stderr += c.toString()))
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)))
  }

  static spawn(args: string[], extraEnv: Record<string, string> = {}): Running {
    return new Running(spawn(process.execPath, [BIN, ...args], { env: env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] }))
  }

  async match(stream: 'stdout' | 'stderr', re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const m = this[stream].match(re)
      if (m) return m
      if (this.child.exitCode !== null) throw new Error(`exited ${this.child.exitCode} before ${re}: ${this.stderr}`)
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} on ${stream}; stderr: ${this.stderr}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }
}

export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
