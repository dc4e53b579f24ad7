// Issue 18's done-when, end to end: `build/ssh-machines.sh up 2`, `patchbay serve` of a copy of the
// two-machine example as a user runs it, Apply and Run in the page, verify passes, the editor shows
// both machines live (each machine's frame says reachable, every link is drawn up), m2 cut off is
// drawn unreachable with its links missing and comes back, and Destroy leaves both machines as they
// were. The rig's names are fixed: the file holds the rig (holdRig) throughout.
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missingLabHost, testPrefix } from '../integration/support/lab-host.ts'
import { holdRig, onMachine, rig } from '../integration/support/rig.ts'
import { launchChromium } from '../support/chromium.ts'
import { serveFile } from '../support/serve-file.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'sshd', 'chromium'])
const ROOT = join(import.meta.dirname, '..', '..')
const shots = join(ROOT, 'test-results', 'e2e')
const PATCHBAY = join(ROOT, 'bin', 'patchbay.js')

/** What a lab leaves on a machine: namespaces, OVS bridges, VXLAN devices. */
async function labParts(i: number): Promise<string[]> {
  const netns = (await onMachine(i, ['ip', 'netns', 'list'])).split('\n').filter(Boolean)
  const bridges = (await onMachine(i, ['ovs-vsctl', 'list-br'])).split('\n').filter(Boolean)
  const vxlans = (await onMachine(i, ['ip', '-o', 'link', 'show', 'type', 'vxlan']))
    .split('\n')
    .filter(Boolean)
  return [...netns, ...bridges, ...vxlans]
}

describe.skipIf(skipReason !== null)('the editor shows a lab over two machines live', () => {
  const folder = mkdtempSync(join(tmpdir(), 'patchbay-machines-live-'))
  const file = join(folder, 'two-machines-vlan.yaml')
  let releaseRig = () => {}
  let server: ChildProcess | undefined
  let browser: Browser | undefined
  let page: Page
  const frame = (m: string) => page.locator(`.host-frame[data-host-id="${m}"]`)
  const reachable = (m: string) => frame(m).getAttribute('data-machine-reachable')
  const linkStates = () =>
    page
      .locator('path[data-link-line]')
      .evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-link-line')} ${e.getAttribute('data-state')}`),
      )

  beforeAll(async () => {
    releaseRig = await holdRig()
    if (!readFileSync(join(ROOT, 'dist', 'renderer', 'index.html'), 'utf8'))
      throw new Error('the renderer is not built: run `npm run build:renderer`')
    // The helper bundle the engine copies to the machines, from these sources.
    await execa('npm', ['run', '--silent', 'build:electron'], { cwd: ROOT })
    await rig('down')
    expect(await rig('up', '2')).toBe('m1 root@10.250.0.11\nm2 root@10.250.0.12')
    // A copy of the example under this run's own name (the file is the user's, served as it is).
    const example = readFileSync(join(ROOT, 'examples', 'two-machines-vlan.yaml'), 'utf8')
    writeFileSync(file, example.replace(/^name: two-machines$/m, `name: ${testPrefix()}-ed`))
    mkdirSync(shots, { recursive: true })
    const served = await serveFile(file)
    server = served.process
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    page.on('dialog', (dialog) => void dialog.accept())
    await page.goto(served.url)
    await page.waitForSelector('[data-node-id="h2b"]')
  }, 900_000 + 240_000)

  afterAll(async () => {
    await browser?.close()
    server?.kill('SIGTERM')
    await execa('node', [PATCHBAY, 'destroy', file], { cwd: ROOT, reject: false })
    await rig('down').catch(() => undefined)
    rmSync(folder, { recursive: true, force: true })
    releaseRig()
  }, 240_000)

  it('applies from the page, verifies, and draws both machines reachable with every link up', async () => {
    expect(await page.locator('.host-frame[data-host-kind="machine"]').count()).toBe(2)
    await page.locator('[data-action="apply"]').click()
    // The plan of both machines (the first reach copies the helper there), or why it cannot run.
    await page.waitForSelector('[data-action="run-plan"]:not([disabled]), [data-output="text"]', {
      timeout: 90_000,
    })
    const cannot = page.locator('[data-output="text"]')
    if ((await cannot.count()) > 0) throw new Error(`no plan to run: ${await cannot.innerText()}`)
    await page.locator('[data-action="run-plan"]').click()
    await expect
      .poll(() => page.locator('[data-output="text"] h4').first().textContent(), { timeout: 90_000 })
      .toMatch(/^applied: \d+ ops/)

    const verify = await execa('node', [PATCHBAY, 'verify', file], { cwd: ROOT, reject: false })
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0)

    await expect.poll(() => reachable('m1'), { timeout: 30_000 }).toBe('true')
    await expect.poll(() => reachable('m2'), { timeout: 30_000 }).toBe('true')
    await expect
      .poll(async () => (await linkStates()).filter((s) => !s.endsWith(' up')), { timeout: 30_000 })
      .toEqual([])
    expect(await linkStates()).toHaveLength(5)
    expect(await frame('m1').innerText()).toMatch(/machine root@10\.250\.0\.11\s*reachable/)
    await expect
      .poll(() => page.locator('[data-machines-reachable]').getAttribute('data-machines-reachable'), {
        timeout: 10_000,
      })
      .toBe('2/2')
    await expect
      .poll(() => page.locator('[data-machine]').getAttribute('data-machine'), { timeout: 30_000 })
      .toBe('in-sync')
    await page.screenshot({ path: join(shots, 'machines-live.png') })
  })

  it('draws m2 unreachable, its links missing, while its sshd is stopped, and live again after', async () => {
    await rig('stop-sshd', '2')
    try {
      await expect.poll(() => reachable('m2'), { timeout: 30_000 }).toBe('false')
      expect(await frame('m2').innerText()).toMatch(/unreachable: .+/)
      expect(await reachable('m1')).toBe('true')
      await expect
        .poll(async () => (await linkStates()).filter((s) => s.endsWith(' missing')).length, {
          timeout: 10_000,
        })
        .toBe(3)
      // What the lab is over its machines is read again, and cannot be while m2 is cut off.
      await expect
        .poll(() => page.locator('[data-machine]').getAttribute('data-machine'), { timeout: 30_000 })
        .toBe('unknown')
      expect(await page.locator('[data-machines-reachable]').getAttribute('data-machines-reachable')).toBe(
        '1/2',
      )
      await page.screenshot({ path: join(shots, 'machines-live-m2-unreachable.png') })
    } finally {
      await rig('start-sshd', '2')
    }
    await expect.poll(() => reachable('m2'), { timeout: 40_000 }).toBe('true')
    await expect
      .poll(async () => (await linkStates()).filter((s) => !s.endsWith(' up')), { timeout: 30_000 })
      .toEqual([])
    const status = page.locator('[data-machine]')
    await expect
      .poll(
        async () => `${await status.getAttribute('data-machine')} ${await status.getAttribute('title')}`,
        {
          timeout: 30_000,
        },
      )
      .toMatch(/^in-sync /)
  })

  it('destroys from the page, and both machines are as they were', async () => {
    await page.locator('[data-action="destroy"]').click()
    await expect
      .poll(() => page.locator('[data-machine]').getAttribute('data-machine'), { timeout: 60_000 })
      .toBe('not-applied')
    expect(await labParts(1)).toEqual([])
    expect(await labParts(2)).toEqual([])
  })
})
