import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Absolute path of scripts/simulate. */
export const SIMULATE_PATH = fileURLToPath(new URL('../../../scripts/simulate', import.meta.url))

export interface SimulateResult {
  code: number
  stdout: string
  stderr: string
}

export interface SimulateOptions {
  /** Fleet id (BMSIM_ID): bridge bmsim<id>, namespaces bmsim<id>-nI, subnet 10.213.<id>.0/24. */
  id: number
  /** Extra environment, e.g. BMSIM_CLI for a stand-in node. */
  env?: Record<string, string>
  /** Kill the script after this long, ms. Default 180,000. */
  timeoutMs?: number
}

/** Run `scripts/simulate ARGS...`; never rejects on a non-zero exit, returns it. */
export function runSimulate(args: readonly string[], options: SimulateOptions): Promise<SimulateResult> {
  return new Promise((resolve, reject) => {
    execFile(
      SIMULATE_PATH,
      [...args],
      {
        env: { ...process.env, ...options.env, BMSIM_ID: String(options.id) },
        timeout: options.timeoutMs ?? 180_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`scripts/simulate ${args.join(' ')} did not run: ${error.message}\n${stderr}`))
          return
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr })
      },
    )
  })
}

/** Like runSimulate, but throws (with the script's stderr) unless it exits 0. */
export async function runSimulateOk(args: readonly string[], options: SimulateOptions): Promise<string> {
  const result = await runSimulate(args, options)
  if (result.code !== 0) {
    throw new Error(`scripts/simulate ${args.join(' ')} exited ${result.code}\n${result.stderr}${result.stdout}`)
  }
  return result.stdout
}
