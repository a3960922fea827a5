/**
 * The web dashboard in a real browser (Debian's headless Chromium driven by
 * playwright-core) against a real fleet of three `breaker-mesh start`
 * processes on 127.0.0.1. Skips, saying why, where no Chromium is installed
 * or the packages are not built. Screenshots go to test/artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer as createHttpServer } from 'node:http'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import type { MeshView } from '@breaker-mesh/mesh'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pollUntil } from '../../scripts/lib/poll.mjs'
import { chromiumMissing, launchChromium } from '../helpers/chromium.js'
import { CLI_BUILT, CliNode } from '../helpers/cliNode.js'
import { MeshProcess } from '../../scripts/lib/MeshProcess.mjs'

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url))
const MESH_NODE = fileURLToPath(new URL('../fixtures/mesh-node.mjs', import.meta.url))
const DASHBOARD_BUILT = existsSync(fileURLToPath(new URL('../../packages/mesh/dist/dashboard/app.js', import.meta.url)))
const SKIP =
  chromiumMissing() ?? (CLI_BUILT && DASHBOARD_BUILT ? null : 'the packages are not built (run `npm run build`)')
if (SKIP !== null) console.warn(`dashboard browser tests skipped: ${SKIP}`)

const FLEET = 'dashtest'
const WAIT = 45_000

/**
 * Wait until `expression` (run in the page) is true. Polls page.evaluate: the
 * page's Content-Security-Policy forbids the string eval that waitForFunction uses.
 */
async function until(page: Page, what: string, expression: string): Promise<void> {
  let last: unknown
  try {
    await pollUntil(
      async () => {
        try {
          return (await page.evaluate(expression)) === true
        } catch (err) {
          last = err
          return false
        }
      },
      { timeoutMs: WAIT, intervalMs: 100, what },
    )
  } catch (err) {
    const shot = `${ARTIFACTS}failed-${what.replace(/\W+/g, '-')}.png`
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {})
    throw new Error(`page never showed: ${what} (screenshot ${shot})${last === undefined ? '' : `; last error: ${String(last)}`}`, { cause: err })
  }
}

const memberStatus = (name: string, status: string): string =>
  `document.querySelector('tr[data-member="${name}"][data-status="${status}"] .status')?.textContent.includes('${status}') === true`
const breakerState = (name: string, state: string): string =>
  `document.querySelector('tr[data-breaker="${name}"][data-state="${state}"] .state')?.textContent.includes('${state}') === true`

async function post(node: CliNode, name: string, action: string, reason?: string): Promise<void> {
  const res = await fetch(`${node.admin}/v1/breakers/${encodeURIComponent(name)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(reason === undefined ? {} : { reason }),
  })
  expect(res.status, await res.clone().text()).toBe(200)
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe.skipIf(SKIP !== null)(`the dashboard in headless Chromium${SKIP === null ? '' : ` (skipped: ${SKIP})`}`, () => {
  const nodes: CliNode[] = []
  let browser: Browser | undefined
  let n1: CliNode
  let n2: CliNode
  let n3: CliNode
  let page1: Page
  let page3: Page

  async function open(url: string, width = 1400): Promise<Page> {
    const page = await browser!.newPage({ viewport: { width, height: 900 } })
    page.on('pageerror', (err) => console.error(`page error on ${url}: ${err.message}`))
    await page.goto(url)
    // A marker that a reload or navigation would wipe.
    await page.evaluate('window.__loadedOnce = true')
    return page
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    n1 = await CliNode.start('n1', { fleet: FLEET })
    nodes.push(n1)
    ;[n2, n3] = await Promise.all([
      CliNode.start('n2', { fleet: FLEET, join: n1.addr }),
      CliNode.start('n3', { fleet: FLEET, join: n1.addr }),
    ])
    nodes.push(n2!, n3!)
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close().catch(() => {})
    await Promise.all(nodes.map((n) => n.kill()))
  })

  it('lists the three members alive, with how this node knows each', async () => {
    page1 = await open(`${n1.admin}/`)
    for (const name of ['n1', 'n2', 'n3']) await until(page1, `${name} alive on n1`, memberStatus(name, 'alive'))
    expect(await page1.locator('tr[data-member]').count()).toBe(3)
    expect(await page1.locator('tr[data-member="n1"]').innerText()).toContain('this node')
    await until(page1, 'n2 connected', `document.querySelector('tr[data-member="n2"]').textContent.includes('connected')`)
    expect(await page1.locator('.link').innerText()).toContain('live')
    const view = (await (await fetch(`${n1.admin}/v1/view`)).json()) as MeshView
    expect(view.members.find((m) => m.id === n1.id)?.via).toBe('self')
    expect(view.members.find((m) => m.id === n2.id)?.via).toBe('direct')
  })

  it('a force-open clicked on node 1 shows open on node 3 without a reload', async () => {
    await post(n1, 'payments-api', 'force-close')
    page3 = await open(`${n3.admin}/`)
    await until(page1, 'payments-api row on n1', breakerState('payments-api', 'closed'))
    await until(page3, 'payments-api closed on n3', breakerState('payments-api', 'closed'))

    await page1.fill('input[name="reason"]', 'browser test')
    await page1.click('button[aria-label="force-open payments-api"]')
    await until(page1, 'the result line', `document.querySelector('.outcome.ok')?.textContent.includes('force-open payments-api done: now open (forced-open)') === true`)

    await until(page3, 'payments-api open on n3', breakerState('payments-api', 'open'))
    const row = await page3.locator('tr[data-breaker="payments-api"]').innerText()
    expect(row).toContain('forced-open')
    expect(row).toContain('by n1')
    expect(row).toContain('browser test')
    await until(page3, 'the transition in the timeline', `document.querySelector('.timeline li[data-subject="payments-api"][data-to="open"]') !== null`)
    expect(await page3.evaluate('window.__loadedOnce === true')).toBe(true)
    await page3.screenshot({ path: `${ARTIFACTS}dashboard-n3.png`, fullPage: true })
  })

  it('asks for the admin token when a change is refused (401), keeps it in memory only, and sends it', async () => {
    // A node of its own started with a real admin token.
    const dir = mkdtempSync(join(tmpdir(), 'bm-dash-token-'))
    const tokenFile = join(dir, 'admin.token')
    const TOKEN = 'tok-dashboard-0123456789'
    writeFileSync(tokenFile, `${TOKEN}\n`)
    const guarded = await CliNode.start('guarded', { fleet: 'dashtoken', args: ['--admin-token-file', tokenFile] })
    nodes.push(guarded)
    const override = async (): Promise<string | null | undefined> =>
      ((await (await fetch(`${guarded.admin}/v1/view`)).json()) as MeshView).breakers.find((b) => b.name === 'payments-api')?.override
    try {
      const seeded = await fetch(`${guarded.admin}/v1/breakers/payments-api/force-open`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })
      expect(seeded.status).toBe(200)
      const page = await open(`${guarded.admin}/`)
      await until(page, 'payments-api open on the guarded node', breakerState('payments-api', 'open'))
      await page.click('button[aria-label="reset payments-api"]')
      await until(page, 'the token form', `document.querySelector('form.token input[name="token"]') !== null`)
      expect(await override()).toBe('forced-open') // the 401 changed nothing

      await page.fill('form.token input[name="token"]', 'tok-this-is-the-wrong-one')
      await page.click('form.token button[type="submit"]')
      await until(page, 'the refusal', `document.querySelector('form.token')?.textContent.includes('refused that token') === true`)
      expect(await override()).toBe('forced-open')

      await page.fill('form.token input[name="token"]', TOKEN)
      await page.click('form.token button[type="submit"]')
      await until(page, 'the reset result', `document.querySelector('.outcome.ok')?.textContent.includes('reset payments-api done') === true`)
      expect(await page.locator('form.token').count()).toBe(0)
      expect(await override()).toBeNull()

      // Asked once: the next change goes through with the token, no form.
      await page.click('button[aria-label="force-open payments-api"]')
      await until(page, 'the force-open result', `document.querySelector('.outcome.ok')?.textContent.includes('force-open payments-api done') === true`)
      expect(await page.locator('form.token').count()).toBe(0)
      expect(await override()).toBe('forced-open')
      expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0)
      await page.close()
    } finally {
      await guarded.kill()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('shows per-member opinions ("k of n members see it failing"), isolated and degraded, from a real quorum fleet', async () => {
    // Three nodes whose built-in workload calls its own path of one server, decided by quorum with
    // minReporting 4 (so three reporters are degraded); q1's and q2's paths fail from the start.
    const failing = new Set(['q1', 'q2'])
    const upstream = createHttpServer((req, res) => res.writeHead(failing.has((req.url ?? '/').slice(1)) ? 503 : 200).end())
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
    const quorum: CliNode[] = []
    const start = (name: string, join?: string) =>
      CliNode.start(name, {
        fleet: 'dashquorum',
        ...(join === undefined ? {} : { join }),
        args: ['--target', `${url}/${name}`, '--breaker', 'orders', '--rps', '10', '--decision', 'quorum', '--min-reporting', '4'],
      })
    try {
      quorum.push(await start('q1'))
      quorum.push(...(await Promise.all([start('q2', quorum[0]!.addr), start('q3', quorum[0]!.addr)])))
      nodes.push(...quorum)
      const page = await open(`${quorum[2]!.admin}/`) // a healthy member's dashboard
      await until(page, 'the fleet cell', `document.querySelector('tr[data-breaker="orders"] .fleet')?.textContent.includes('2 of 3 members see it failing') === true`)
      const row = await page.locator('tr[data-breaker="orders"]').innerText()
      expect(row).toContain('quorum, needs 2')
      expect(row).toContain('degraded')
      expect(row).not.toContain('isolated')
      const title = (await page.locator('tr[data-breaker="orders"] .fleet > span').getAttribute('title')) ?? ''
      expect(title).toMatch(/q1: failing \(\d+\/\d+ failed/)
      expect(title).toMatch(/q3: healthy \(0\/\d+ failed/)
      // On a sick member: the same counts, and this node fails fast on its own.
      const sick = await open(`${quorum[0]!.admin}/`)
      await until(sick, 'the isolated tag on q1', `document.querySelector('tr[data-breaker="orders"] .bname')?.textContent.includes('isolated') === true`)
      await sick.screenshot({ path: `${ARTIFACTS}dashboard-quorum.png`, fullPage: true })
      await Promise.all([page.close(), sick.close()])
      // Nothing of it where no breaker is decided by opinions.
      expect(await page1.locator('th', { hasText: 'fleet' }).count()).toBe(0)
      expect(await page1.locator('tr[data-breaker="payments-api"]').innerText()).not.toContain('members see it failing')
    } finally {
      await Promise.all(quorum.map((n) => n.kill()))
      upstream.closeAllConnections()
      await new Promise((r) => upstream.close(r))
    }
  })

  it('flags a breaker its node runs alone because the table is full ("local only")', async () => {
    // A node that holds one record: an override takes the slot, so a trip of another breaker cannot be written.
    const port = await freePort()
    const full = new MeshProcess('full', MESH_NODE, {
      fleet: 'dashfull',
      name: 'full',
      listen: '127.0.0.1:0',
      mdns: false,
      profile: 'local',
      admin: { listen: `127.0.0.1:${port}` },
      fleetOptions: { maxRecords: 1 },
      breakers: { 'payments-api': { failureRate: false, consecutiveFailures: 3 } },
    })
    try {
      await full.whenReady(60_000)
      await full.command({ cmd: 'force-open', name: 'holds-the-only-slot' })
      await full.command({ cmd: 'callMany', breaker: 'payments-api', n: 3, ok: false })
      const page = await open(`http://127.0.0.1:${port}/`)
      await until(page, 'the local-only tag', `document.querySelector('tr[data-breaker="payments-api"] .bname')?.textContent.includes('local only') === true`)
      expect(await page.locator('tr[data-breaker="payments-api"]').getAttribute('data-state')).toBe('open')
      await page.close()
    } finally {
      await full.kill()
    }
  })

  it('pages and filters 1,000 breakers, and fits a 360 px screen', async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `svc-${String(i).padStart(4, '0')}`)
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(names.slice(i, i + 25).map((name) => post(n1, name, 'force-close')))
    }
    await until(page1, '1001 breakers', `document.querySelector('#breakers-h .count')?.textContent === '1001'`)
    expect(await page1.locator('tr[data-breaker]').count()).toBe(50)

    await page1.fill('input[name="filter"]', 'svc-0999')
    await until(page1, 'one row for svc-0999', `document.querySelectorAll('tr[data-breaker]').length === 1 && document.querySelector('tr[data-breaker="svc-0999"]') !== null`)
    await page1.fill('input[name="filter"]', '')
    await page1.selectOption('select[name="state"]', 'open')
    await until(page1, 'only the open breaker', `document.querySelectorAll('tr[data-breaker]').length === 1 && document.querySelector('tr[data-breaker="payments-api"]') !== null`)
    await page1.selectOption('select[name="state"]', 'all')
    await page1.click('nav.pager button:has-text("next")')
    await until(page1, 'page 2', `document.querySelector('nav.pager')?.textContent.includes('page 2/21') === true`)
    await page1.click('nav.pager button:has-text("prev")')

    await page1.setViewportSize({ width: 360, height: 800 })
    await until(page1, 'the narrow layout', `getComputedStyle(document.querySelector('table.breakers thead')).display === 'none'`)
    const overflow = await page1.evaluate('document.documentElement.scrollWidth')
    expect(overflow).toBeLessThanOrEqual(360)
    expect(await page1.locator('button[aria-label="force-open payments-api"]').isVisible()).toBe(true)
    await page1.evaluate('window.scrollTo(0, 0)')
    await page1.screenshot({ path: `${ARTIFACTS}dashboard-360px.png` })
    await page1.setViewportSize({ width: 1400, height: 900 })
  })

  it('reconnects by itself after its node restarts and shows what changed meanwhile', async () => {
    const port = await freePort()
    const start = (): Promise<CliNode> => CliNode.start('n4', { fleet: FLEET, join: n1.addr, admin: `127.0.0.1:${port}` })
    const first = await start()
    nodes.push(first)
    const page = await open(`http://127.0.0.1:${port}/`)
    await until(page, 'payments-api on n4', breakerState('payments-api', 'open'))
    await until(page, 'live on n4', `document.querySelector('.link-live') !== null`)

    await first.kill()
    await until(page, 'the lost link', `document.querySelector('.link-live') === null`)
    await post(n1, 'payments-api', 'force-close')
    const second = await start()
    nodes.push(second)
    await until(page, 'live again', `document.querySelector('.link-live') !== null`)
    await until(page, 'payments-api closed after the restart', breakerState('payments-api', 'closed'))
    expect(await page.evaluate('window.__loadedOnce === true')).toBe(true)
    await second.stop()
    await page.close()
  })

  it('turns a killed node dead on the page', async () => {
    await until(page1, 'n2 alive before the kill', memberStatus('n2', 'alive'))
    await n2.kill()
    await until(page1, 'n2 dead', memberStatus('n2', 'dead'))
    await until(page1, 'n2 dead in the timeline', `document.querySelector('.timeline li[data-subject="n2"][data-to="dead"]') !== null`)
    expect(await page1.evaluate('window.__loadedOnce === true')).toBe(true)
    await page1.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true })
    // The same through the API: no connection to a dead member, so n1 knows it by gossip only.
    const view = (await (await fetch(`${n1.admin}/v1/view`)).json()) as MeshView
    const gone = view.members.find((m) => m.id === n2.id)
    expect(gone).toMatchObject({ status: 'dead', via: 'gossip' })
    expect(gone!.statusAgeMs).toBeGreaterThanOrEqual(0)
  })
})
