import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Core is pure: no wall clock, no timers, no I/O. Only the `testing/` helpers may
// keep time (FakeClock). This reads every source file of packages/core/src.
const ROOT = fileURLToPath(new URL('.', import.meta.url))
const FORBIDDEN = [
  /\bDate\.now\s*\(/,
  /\bnew Date\s*\(/,
  /\bperformance\.now\s*\(/,
  /\bprocess\.hrtime\b/,
  /\bsetTimeout\s*\(/,
  /\bsetInterval\s*\(/,
  /\bsetImmediate\s*\(/,
  /from ['"]node:(fs|net|http|https|dgram|child_process|dns)['"]/,
]

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'testing' ? [] : sources(path)
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : []
  })
}

describe('packages/core/src', () => {
  it('reads no wall clock, sets no timer and does no I/O outside testing/', () => {
    const files = sources(ROOT)
    expect(files.length).toBeGreaterThan(30)
    const offences: string[] = []
    for (const file of files) {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '')
      for (const pattern of FORBIDDEN) if (pattern.test(code)) offences.push(`${relative(ROOT, file)}: ${pattern}`)
    }
    expect(offences).toEqual([])
  })
})
