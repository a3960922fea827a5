#!/usr/bin/env node
let main
try {
  ;({ main } = await import('../dist/main.js'))
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    process.stderr.write('breaker-mesh: the CLI is not built yet; run `npm run build` in the repository first\n')
    process.exit(1)
  }
  throw err
}
void main(process.argv.slice(2))
