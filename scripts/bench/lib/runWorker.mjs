// Run one measurement in a fresh Node process and return the JSON it prints.
// A fresh process per measurement keeps JIT state (inline caches, optimized
// code) of one library from colouring the next one's numbers.
import { fileURLToPath } from 'node:url'
import { killChild, spawnTracked } from './children.mjs'

/**
 * Run `script` (a path relative to scripts/bench/) with `input` as JSON in argv[2].
 * Resolves with the last stdout line parsed as JSON. Rejects on a non-zero exit,
 * no JSON, or after `timeoutMs` (the child is killed).
 */
export function runWorker(script, input, { nodeFlags = [], timeoutMs = 120_000 } = {}) {
  const path = fileURLToPath(new URL(`../${script}`, import.meta.url))
  const child = spawnTracked(process.execPath, [...nodeFlags, path, JSON.stringify(input)])
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000)
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killChild(child)
      reject(new Error(`${script} ${JSON.stringify(input)} did not finish within ${timeoutMs} ms`))
    }, timeoutMs)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      const lines = stdout.trim().split('\n')
      const last = lines[lines.length - 1] ?? ''
      if (code !== 0) {
        reject(new Error(`${script} exited with ${code ?? signal}: ${stderr.trim().slice(-2000)}`))
        return
      }
      try {
        resolve(JSON.parse(last))
      } catch {
        reject(new Error(`${script} printed no JSON result (stdout: ${stdout.slice(-500)}; stderr: ${stderr.slice(-1000)})`))
      }
    })
  })
}
