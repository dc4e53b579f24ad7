import { join } from 'node:path'
import { execa } from 'execa'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { missingLabHost, testPrefix } from '../integration/support/lab-host.ts'
import { appliedLab } from '../support/applied-lab.ts'
import { editorPage } from '../support/editor-page.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'chromium'])

describe.skipIf(skipReason !== null)('tracing real frames from the canvas', () => {
  const p = testPrefix()
  const [s1, s2, a, b, c] = [`${p}s1`, `${p}s2`, `${p}a`, `${p}b`, `${p}c`] as const
  const trunk = `${s1}~${s2}`
  const lab = appliedLab(
    p,
    `patchbay: 1
name: ${p}-trace
nodes:
  ${s1}: { kind: ovs-bridge }
  ${s2}: { kind: ovs-bridge }
  ${a}: { kind: netns }
  ${b}: { kind: netns }
  ${c}: { kind: netns }
links:
  - { guest: ${a}, to: ${s1}, ip: 10.78.0.1/24, vlan: 10, hostIfname: ${p}pa }
  - { guest: ${b}, to: ${s2}, ip: 10.78.0.2/24, vlan: 10, hostIfname: ${p}pb }
  - { guest: ${c}, to: ${s2}, ip: 10.78.0.3/24, vlan: 20, hostIfname: ${p}pc }
  - { between: [${s1}, ${s2}], trunk: [10, 20], ifnames: [${p}t1, ${p}t2] }
`,
  )
  const editor = editorPage({
    stateDir: `/tmp/patchbay-test-state/${p}`,
    open: { file: lab.file, node: c },
    shots: 'understand',
  })

  const current = (page: Page) =>
    page
      .locator('[data-path-link][data-current="true"]')
      .evaluateAll((els) =>
        els.map(
          (e) =>
            `${e.getAttribute('data-path-link')} ${e.getAttribute('data-tag')} ${e.getAttribute('data-fate')}`,
        ),
      )

  it('steps through the frames seen: tag 10 on the trunk, untagged at the access ports', async () => {
    const { page, shots } = editor
    await page.locator('[data-path-field="from"]').selectOption(`${a}:eth1`)
    await page.locator('[data-path-field="to"]').selectOption(`${b}:eth1`)
    await page.locator('[data-action="trace-path"]').click()
    await page.waitForSelector('[data-path-card="steps"]', { timeout: 60_000 })
    expect(await page.locator('.path-source').textContent()).toBe('traced on the machine')
    const seen: string[][] = []
    for (;;) {
      seen.push(await current(page))
      const next = page.locator('[data-path-action="next"]')
      if (await next.isDisabled()) break
      await next.click()
    }
    // The ARP request first: up A's access port untagged, across the trunk tagged 10, down to B.
    expect(seen.slice(0, 3)).toEqual([
      [`${a}:eth1 untagged forwarded`],
      [`${trunk} 10 forwarded`],
      [`${b}:eth1 untagged delivered`],
    ])
    // Every crossing of the trunk, whatever the frame, was tagged 10.
    const onTrunk = seen.flat().filter((m) => m.startsWith(trunk))
    expect(onTrunk.length).toBeGreaterThanOrEqual(2)
    expect(onTrunk.every((m) => m.startsWith(`${trunk} 10 `))).toBe(true)
    // C (VLAN 20) never got a frame.
    expect(seen.flat().filter((m) => m.startsWith(`${c}:`))).toEqual([])
    await page.locator('[data-path-action="first"]').click()
    await page.locator('[data-path-action="next"]').click()
    await page.screenshot({ path: join(shots, '06-trace-trunk-tagged.png') })
  }, 90_000)

  it('to a guest of another VLAN: the last step is the port the request never reached, with why', async () => {
    const { page, shots } = editor
    await page.locator('[data-path-field="to"]').selectOption(`${c}:eth1`)
    await page.locator('[data-action="trace-path"]').click()
    await expect
      .poll(() => page.locator('[data-path-card="steps"] .path-title strong').textContent(), {
        timeout: 60_000,
      })
      .toContain(`→ ${c}:eth1`)
    const counter = (await page.locator('[data-path-counter]').getAttribute('data-path-counter'))!
    const total = Number(counter.split('/')[1])
    for (let i = 1; i < total; i++) await page.locator('[data-path-action="next"]').click()
    expect(await current(page)).toEqual([`${c}:eth1 untagged dropped`])
    expect(await page.locator('[data-path-why]').textContent()).toContain(
      `${c}:eth1 is in VLAN 20, ${a}:eth1 in VLAN 10`,
    )
    await page.screenshot({ path: join(shots, '07-trace-stopped.png') })
  }, 90_000)
  it('the bridge inspector shows what the bridge learned and marks a port re-tagged by hand', async () => {
    const { page, shots } = editor
    await page.keyboard.press('Escape')
    await page.locator(`[data-node-id="${s2}"]`).click()
    await page.locator('[data-action="bridge-tables"]').click()
    await page.waitForSelector(`[data-truth-port="${b}:eth1"]`, { timeout: 30_000 })
    const rows = () =>
      page
        .locator('[data-truth-port]')
        .evaluateAll((els) =>
          els.map((e) => `${e.getAttribute('data-truth-port')} ${e.getAttribute('data-differs')}`),
        )
    expect(await rows()).toEqual([`${b}:eth1 false`, `${c}:eth1 false`, `${trunk} false`])
    // The traces just now taught s2 where A is: in VLAN 10, behind the trunk.
    const learned = await page
      .locator('[data-fdb-mac]')
      .evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-fdb-vlan')} ${e.getAttribute('data-fdb-port')}`),
      )
    expect(learned).toContain(`10 ${trunk}`)
    expect(learned).toContain(`10 ${b}:eth1`)
    // Re-tag B's port by hand: the inspector marks it, naming what OVS holds now.
    await execa('ovs-vsctl', ['set', 'port', `${p}pb`, 'tag=20'])
    await page.locator('[data-action="bridge-tables"]').click()
    await expect.poll(rows).toEqual([`${b}:eth1 true`, `${c}:eth1 false`, `${trunk} false`])
    expect(await page.locator(`[data-truth-port="${b}:eth1"]`).textContent()).toContain(
      'access port of VLAN 20',
    )
    await page.screenshot({ path: join(shots, '10-bridge-tables.png') })
  }, 90_000)
  it('explained on the machine after the re-tag: blocked, and the drawing disagrees', async () => {
    const { page, shots } = editor
    await page.locator('[data-path-field="from"]').selectOption(`${a}:eth1`)
    await page.locator('[data-path-field="to"]').selectOption(`${b}:eth1`)
    await page.locator('[data-action="explain-machine"]').click()
    await expect
      .poll(() => page.locator('[data-path-card="explain"] .path-source').textContent(), { timeout: 30_000 })
      .toBe('explained from the machine')
    expect(await page.locator('[data-path-reachable]').getAttribute('data-path-reachable')).toBe('false')
    expect(await page.locator('[data-path-why]').textContent()).toContain('VLAN 20')
    expect(await page.locator('[data-path-disagrees]').getAttribute('data-path-disagrees')).toBe('true')
    await page.screenshot({ path: join(shots, '11-explain-on-machine.png') })
  }, 60_000)
})
