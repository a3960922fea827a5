import type { IncomingMessage } from 'node:http'
import { HttpError } from './HttpError.js'

/**
 * Read a request body of at most `maxBytes` and parse it as a JSON object.
 * An empty body gives `{}`. Too large → 413 (checked against Content-Length
 * first, then while streaming); not a JSON object → 400.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes)

  const raw = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size <= maxBytes) {
        chunks.push(chunk)
        return
      }
      // Not req.destroy(): that would kill the socket before the 413 is sent.
      req.off('data', onData)
      req.resume()
      reject(tooLarge(maxBytes))
    }
    req.on('data', onData)
    req.once('end', () => resolve(Buffer.concat(chunks)))
    req.once('error', reject)
  })
  const text = raw.toString('utf8').trim()
  if (text === '') return {}

  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'the request body is not valid JSON')
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'the request body must be a JSON object')
  }
  return parsed as Record<string, unknown>
}

function tooLarge(maxBytes: number): HttpError {
  // The rest of the body is not read: close the connection after answering.
  return new HttpError(413, 'ERR_BODY_TOO_LARGE', `the request body is larger than ${maxBytes} bytes`, {
    connection: 'close',
  })
}
