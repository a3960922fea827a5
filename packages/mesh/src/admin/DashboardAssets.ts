import { existsSync, readFileSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HttpError } from './HttpError.js'
import { DashboardMissingError } from './DashboardMissingError.js'

/** One file of the dashboard, held in memory. */
export interface DashboardAsset {
  readonly contentType: string
  readonly body: Buffer
}

/** URL path → file name in the built dashboard folder. */
const ROUTES: ReadonlyMap<string, { file: string; contentType: string }> = new Map([
  ['/', { file: 'index.html', contentType: 'text/html; charset=utf-8' }],
  ['/dashboard/app.js', { file: 'app.js', contentType: 'text/javascript; charset=utf-8' }],
  ['/dashboard/app.css', { file: 'app.css', contentType: 'text/css; charset=utf-8' }],
])

/**
 * Where `npm run build` (scripts/build-dashboard.mjs) writes the bundle:
 * `packages/mesh/dist/dashboard/`, found from wherever this module runs: the
 * package's runtime bundle (`dist/bundle/chunks/`), the compiled modules
 * (`dist/admin/`), or the sources under the test runner (`src/admin/`).
 */
export const DEFAULT_DASHBOARD_DIR = dashboardDir()

function dashboardDir(): string {
  const candidates = ['../../dashboard/', '../dashboard/', '../../dist/dashboard/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[candidates.length - 1]!
}

/**
 * Headers sent with every dashboard file. The page loads only its own
 * script and style and talks only to its own origin; it may not be framed.
 */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
}

/**
 * The web dashboard's files (`GET /`, `/dashboard/app.js`, `/dashboard/app.css`),
 * read from disk on first request and served from memory after that: a node
 * nobody opens the dashboard on never reads them. No network at run time.
 */
export class DashboardAssets {
  private loaded: Map<string, DashboardAsset> | null = null

  constructor(private readonly dir: string = DEFAULT_DASHBOARD_DIR) {
    if (typeof dir !== 'string' || dir === '') throw new RangeError(`dashboardDir must be a non-empty path, got ${String(dir)}`)
  }

  /** Whether `path` is one of the dashboard's routes. */
  static handles(path: string): boolean {
    return ROUTES.has(path)
  }

  /**
   * The file for `path`, or `undefined` for a path that is not the
   * dashboard's. Throws `DashboardMissingError` when the bundle was not built.
   */
  get(path: string): DashboardAsset | undefined {
    if (!ROUTES.has(path)) return undefined
    this.loaded ??= this.load()
    return this.loaded.get(path)
  }

  /**
   * Answer a request for `path` with its file. Throws HttpError 503
   * (ERR_DASHBOARD_MISSING) when the bundle was not built, 404 for a path
   * that is not the dashboard's.
   */
  respond(res: ServerResponse, path: string): void {
    let asset: DashboardAsset | undefined
    try {
      asset = this.get(path)
    } catch (err) {
      if (err instanceof DashboardMissingError) throw new HttpError(503, err.code, err.message)
      throw err
    }
    if (asset === undefined) throw new HttpError(404, 'ERR_NOT_FOUND', `no such route: ${path}`)
    res.writeHead(200, { ...DASHBOARD_HEADERS, 'content-type': asset.contentType, 'content-length': asset.body.length })
    res.end(asset.body)
  }

  private load(): Map<string, DashboardAsset> {
    const assets = new Map<string, DashboardAsset>()
    for (const [path, { file, contentType }] of ROUTES) {
      let body: Buffer
      try {
        body = readFileSync(`${this.dir}/${file}`)
      } catch (err) {
        throw new DashboardMissingError(this.dir, err)
      }
      assets.set(path, { contentType, body })
    }
    return assets
  }
}
