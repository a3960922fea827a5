#!/usr/bin/env node
// flaky-upstream: a plain node:http server that fails a settable share of requests.
// It stands in for "the downstream dependency" in docker-compose, scripts/simulate,
// the demo and the tests. No dependencies.
//
//   node docker/flaky-upstream.mjs [--host H] [--port N] [--failure-rate R] [--latency-ms MS]
//
//   --port N          TCP port; 0 picks a free one. Env PORT. Default 8080.
//   --host H          address to bind. Env HOST. Default 0.0.0.0.
//   --failure-rate R  share of requests answered 503, 0..1. Env FAILURE_RATE. Default 0.
//   --latency-ms MS   delay before every answer, ms (for slow-call policies). Env LATENCY_MS. Default 0.
//
// Prints one line `listening <port>` on stdout once it accepts connections.
//
// Endpoints:
//   GET  /control                        -> current settings as JSON
//   GET  /control?failureRate=0.8        -> change settings (also latencyMs=…), answers the new settings
//   POST /control {"failureRate":0.8}    -> same, JSON body
//   GET  /stats                          -> request counts: totals, by status, by client address
//   GET  /stats?reset=1 | POST /stats/reset -> answer the counts, then zero them
//   GET  /healthz                        -> 200, never fails, not counted
//   anything else                        -> the flaky endpoint: 200 "ok", or 503 with probability failureRate
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'

const MAX_BODY_BYTES = 4096
const MAX_LATENCY_MS = 60_000

class UsageError extends Error {
  constructor(message) {
    super(message)
    this.name = 'UsageError'
    this.code = 'ERR_FLAKY_USAGE'
  }
}

function parseRate(field, raw) {
  const value = typeof raw === 'string' ? Number(raw.trim()) : raw
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1 || (typeof raw === 'string' && raw.trim() === '')) {
    throw new RangeError(`${field} must be a number from 0 to 1, got ${JSON.stringify(raw)}`)
  }
  return value
}

function parseLatency(field, raw) {
  const value = typeof raw === 'string' ? Number(raw.trim()) : raw
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_LATENCY_MS || (typeof raw === 'string' && raw.trim() === '')) {
    throw new RangeError(`${field} must be a number of ms from 0 to ${MAX_LATENCY_MS}, got ${JSON.stringify(raw)}`)
  }
  return value
}

function parsePort(raw) {
  const value = Number(raw)
  if (!/^\d{1,5}$/.test(String(raw)) || value > 65535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${JSON.stringify(raw)}`)
  }
  return value
}

function readOptions(argv, env) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'failure-rate': { type: 'string' },
        'latency-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    })
  } catch (err) {
    throw new UsageError(err.message)
  }
  const v = parsed.values
  return {
    help: v.help === true,
    host: v.host ?? env.HOST ?? '0.0.0.0',
    port: parsePort(v.port ?? env.PORT ?? '8080'),
    failureRate: parseRate('failureRate', v['failure-rate'] ?? env.FAILURE_RATE ?? '0'),
    latencyMs: parseLatency('latencyMs', v['latency-ms'] ?? env.LATENCY_MS ?? '0'),
  }
}

function emptyCounts() {
  return { requests: 0, ok: 0, failed: 0 }
}

function createStats() {
  return { since: new Date().toISOString(), ...emptyCounts(), byStatus: {}, byClient: {} }
}

function clientAddress(req) {
  const addr = req.socket.remoteAddress ?? 'unknown'
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks = []
    req.on('data', (chunk) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new RangeError(`body must be at most ${MAX_BODY_BYTES} bytes`))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Apply a partial settings change; validates every field before changing any. */
function applySettings(settings, input) {
  const next = { ...settings }
  const known = new Set(['failureRate', 'latencyMs'])
  for (const key of Object.keys(input)) {
    if (!known.has(key)) throw new RangeError(`unknown setting ${JSON.stringify(key)} (known: failureRate, latencyMs)`)
  }
  if (input.failureRate !== undefined) next.failureRate = parseRate('failureRate', input.failureRate)
  if (input.latencyMs !== undefined) next.latencyMs = parseLatency('latencyMs', input.latencyMs)
  Object.assign(settings, next)
  return settings
}

function startServer(options) {
  const settings = { failureRate: options.failureRate, latencyMs: options.latencyMs }
  let stats = createStats()

  const count = (client, status) => {
    const ok = status >= 200 && status < 300
    const perClient = (stats.byClient[client] ??= emptyCounts())
    for (const bucket of [stats, perClient]) {
      bucket.requests += 1
      if (ok) bucket.ok += 1
      else bucket.failed += 1
    }
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1
  }

  const handleControl = async (req, res, url) => {
    try {
      if (req.method === 'POST') {
        const text = await readBody(req)
        let body
        try {
          body = text.trim() === '' ? {} : JSON.parse(text)
        } catch {
          throw new RangeError('body must be JSON, e.g. {"failureRate":0.8}')
        }
        if (body === null || typeof body !== 'object' || Array.isArray(body)) {
          throw new RangeError('body must be a JSON object, e.g. {"failureRate":0.8}')
        }
        applySettings(settings, body)
      } else if (req.method === 'GET') {
        applySettings(settings, Object.fromEntries(url.searchParams))
      } else {
        sendJson(res, 405, { error: 'use GET or POST' })
        return
      }
      sendJson(res, 200, settings)
    } catch (err) {
      sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) })
    }
  }

  const handleStats = (req, res, url) => {
    const reset = (req.method === 'POST' && url.pathname === '/stats/reset') || url.searchParams.get('reset') === '1'
    sendJson(res, 200, { ...stats, settings })
    if (reset) stats = createStats()
  }

  const handleFlaky = (req, res) => {
    const client = clientAddress(req)
    const fail = Math.random() < settings.failureRate
    const answer = () => {
      const status = fail ? 503 : 200
      count(client, status)
      res.writeHead(status, { 'content-type': 'text/plain' })
      res.end(fail ? 'injected failure\n' : 'ok\n')
    }
    if (settings.latencyMs > 0) {
      const timer = setTimeout(answer, settings.latencyMs)
      res.on('close', () => clearTimeout(timer))
    } else {
      answer()
    }
    req.resume()
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream')
    if (url.pathname === '/healthz') {
      sendJson(res, 200, { ok: true })
    } else if (url.pathname === '/control') {
      void handleControl(req, res, url)
    } else if (url.pathname === '/stats' || url.pathname === '/stats/reset') {
      handleStats(req, res, url)
    } else {
      handleFlaky(req, res)
    }
  })
  server.keepAliveTimeout = 5_000
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}

const HELP = `usage: flaky-upstream [--host H] [--port N] [--failure-rate 0..1] [--latency-ms MS]
  env: HOST, PORT, FAILURE_RATE, LATENCY_MS
  GET|POST /control  GET /stats  GET /healthz  anything else: the flaky endpoint`

async function main() {
  let options
  try {
    options = readOptions(process.argv.slice(2), process.env)
  } catch (err) {
    process.stderr.write(`flaky-upstream: ${err.message}\n${HELP}\n`)
    process.exit(2)
  }
  if (options.help) {
    process.stdout.write(`${HELP}\n`)
    return
  }
  const server = await startServer(options)
  const address = server.address()
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : options.port}\n`)
  const stop = () => {
    server.close(() => process.exit(0))
    server.closeAllConnections()
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((err) => {
  process.stderr.write(`flaky-upstream: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
