/**
 * The READMEs' examples run as written: every ```ts block of README.md and
 * packages/*\/README.md is a file of examples/ (its first line names it) with
 * the same text; the examples type-check (tsc -p examples), and each one runs
 * to a zero exit (they assert what they claim). Needs the build (npm test builds).
 */
import { execFile } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const READMES = ['README.md', ...['core', 'mesh', 'cli'].map((p) => `packages/${p}/README.md`)]
const EXAMPLES = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.ts')).sort()

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: ROOT, timeout: timeoutMs, env: { ...process.env, BREAKER_MESH_DEBUG: '' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      resolve({ code, output: `${stdout}${stderr}`.slice(-4000) })
    })
  })
}

/** The ```ts blocks of a markdown file. */
function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '')
}

describe('README examples', () => {
  it.each(READMES)('every ts block of %s is an examples/ file, verbatim', (readme) => {
    for (const block of tsBlocks(readFileSync(`${ROOT}${readme}`, 'utf8'))) {
      const name = /^\/\/ examples\/([\w-]+\.ts)\b/.exec(block)?.[1]
      expect(name, `a ts block of ${readme} does not start with "// examples/<file>.ts":\n${block.slice(0, 200)}`).toBeDefined()
      expect(EXAMPLES).toContain(name)
      expect(block.trimEnd()).toBe(readFileSync(`${ROOT}examples/${name}`, 'utf8').trimEnd())
    }
  })

  it('the root README shows the embedding, classification, quorum, cockatiel, opossum and local-mode examples', () => {
    const names = tsBlocks(readFileSync(`${ROOT}README.md`, 'utf8')).map((b) => /^\/\/ examples\/([\w-]+)\.ts/.exec(b)?.[1])
    expect(names).toEqual(['embedding', 'classify', 'quorum', 'cockatiel', 'opossum', 'unit-test'])
  })

  it('type-checks (tsc -p examples)', async () => {
    const { code, output } = await run(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', 'examples'], 120_000)
    expect(output).toBe('')
    expect(code).toBe(0)
  })

  it.each(EXAMPLES)('examples/%s runs to a zero exit', async (file) => {
    const { code, output } = await run(process.execPath, ['--import', 'tsx', `examples/${file}`], 60_000)
    expect(code, output).toBe(0)
  })
})
