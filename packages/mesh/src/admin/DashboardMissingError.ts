/** The dashboard bundle is not where the server looks (the package was not built). */
export class DashboardMissingError extends Error {
  override readonly name = 'DashboardMissingError'
  readonly code = 'ERR_DASHBOARD_MISSING'

  constructor(dir: string, cause: unknown) {
    super(`the dashboard is not built (no bundle in ${dir}): run \`npm run build\``, { cause })
  }
}
