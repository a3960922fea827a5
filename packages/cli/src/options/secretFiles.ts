/**
 * Secrets read from files named on the command line (`--fleet-key-file`,
 * `--admin-token-file`, `--token-file`) or their BREAKER_MESH_*_FILE
 * variables. A file that is missing, unreadable or malformed is a usage error
 * (exit 2) that says what to do: the node never falls back to no key.
 */
import { readFileSync } from 'node:fs'
import { InvalidArgumentError } from 'commander'
import { checkAdminToken, parseFleetKey } from '@breaker-mesh/core'

/** Largest secret file read: a key is 95 bytes, a token at most 4 KiB. */
const MAX_SECRET_FILE_BYTES = 64 * 1024

function readSecret(path: string, what: string, hint: string): Buffer {
  if (path.trim() === '') throw new InvalidArgumentError(`the ${what} file path is empty`)
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err)
    throw new InvalidArgumentError(`cannot read the ${what} file ${JSON.stringify(path)} (${code})${hint}`)
  }
  if (bytes.byteLength > MAX_SECRET_FILE_BYTES) {
    throw new InvalidArgumentError(`the ${what} file ${JSON.stringify(path)} is ${bytes.byteLength} bytes: not a ${what}`)
  }
  return bytes
}

/** `--fleet-key-file PATH`: the key file's text, checked to be a valid fleet key. */
export function fleetKeyFileArg(path: string): string {
  const text = readSecret(path, 'fleet key', '; create one with `breaker-mesh keygen > fleet.key`').toString('utf8')
  try {
    parseFleetKey(text)
  } catch (err) {
    throw new InvalidArgumentError(`${JSON.stringify(path)}: ${err instanceof Error ? err.message : String(err)}`)
  }
  return text
}

/** `--admin-token-file PATH` / `--token-file PATH`: the token, surrounding whitespace removed. */
export function tokenFileArg(path: string): string {
  const token = readSecret(path, 'admin token', '; create one with `openssl rand -hex 32 > admin.token`').toString('utf8').trim()
  try {
    checkAdminToken(token, `the admin token in ${JSON.stringify(path)}`)
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err))
  }
  return token
}
