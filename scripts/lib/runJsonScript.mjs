// Run a Node script to completion and take the JSON object it prints last: the
// bench's measurement workers (one fresh process per measurement, so the JIT
// state of one run does not colour the next) and the hostile peers the security
// tests and the attack bench start (test/fixtures/attacker.mjs, outsider.mjs).
import { killChild, spawnTracked } from './children.mjs'
import { ERR_PROCESS_EXITED, ERR_PROCESS_TIMEOUT, ProcessError } from './JsonLinesProcess.mjs'

/**
 * Run `node [...execArgv] script JSON(input)`; resolve with its last stdout line
 * parsed as JSON. Rejects with ProcessError: ERR_PROCESS_EXITED on a non-zero
 * exit or no JSON result (stderr's tail in the message), ERR_PROCESS_TIMEOUT
 * after `timeoutMs` or when `signal` aborts (the child is killed either way).
 */
export function runJsonScript(script, input, { execArgv = [], timeoutMs = 120_000, signal } = {}) {
  const child = spawnTracked(process.execPath, [...execArgv, script, JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'pipe'] })
  const name = script.split('/').pop()
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000)
  })
  return new Promise((resolve, reject) => {
    let stopped = null
    const stop = (why) => {
      stopped = why
      killChild(child)
    }
    const timer = setTimeout(() => stop(`did not finish within ${timeoutMs} ms`), timeoutMs)
    const onAbort = () => stop('was stopped (abort signal)')
    if (signal?.aborted) onAbort()
    else signal?.addEventListener('abort', onAbort, { once: true })
    child.once('close', (code, sig) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      const tail = `stdout: ${stdout.slice(-500)}; stderr: ${stderr.trim().slice(-2000)}`
      if (stopped) return reject(new ProcessError(ERR_PROCESS_TIMEOUT, `${name} ${stopped}; ${tail}`))
      if (code !== 0) return reject(new ProcessError(ERR_PROCESS_EXITED, `${name} exited with ${code ?? sig}; ${tail}`))
      const last = stdout.trim().split('\n').pop() ?? ''
      try {
        resolve(JSON.parse(last))
      } catch {
        reject(new ProcessError(ERR_PROCESS_EXITED, `${name} printed no JSON result; ${tail}`))
      }
    })
  })
}
