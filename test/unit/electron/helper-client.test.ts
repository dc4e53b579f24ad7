import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { offlineService } from '../../../electron/core/service.ts'
import { helperCalls } from '../../../electron/main/helper-client.ts'

describe('a desktop user without root', () => {
  it('without the helper still validates and sees domains, and is told why apply is unavailable', async () => {
    const handlers = offlineService('pkexec is not installed').calls
    const lab = {
      patchbay: 1,
      name: 'x',
      nodes: { s: { kind: 'ovs-bridge' }, a: { kind: 'netns' } },
      links: [{ guest: 'a', to: 's', vlan: 5 }],
    }
    expect(await handlers.validateLab({ text: 'patchbay: 1\nname: x\nnodes: {}\n' })).toEqual({
      ok: true,
      problems: [],
    })
    expect((await handlers.domains({ lab })).domains.map((d) => [d.vlan, d.members])).toEqual([
      [5, ['a:eth1']],
    ])
    const plan = await handlers.planLab({ lab })
    expect(plan.ops.map((op) => op.action)).toEqual([
      'netns.create',
      'ovs.bridge.create',
      'veth.create',
      'veth.configure',
      'guest.configure',
      'ovs.port.add',
      'guest.configure',
    ])
    expect(plan.problems).toEqual([
      { kind: 'capability', field: 'lab', message: 'applying is not available: pkexec is not installed' },
    ])
    await expect(handlers.applyPlan({ planId: 'p' })).rejects.toThrow('applying is not available')
  })

  it.skipIf(existsSync('/usr/bin/pkexec'))(
    'asks for the helper through pkexec, and says so when there is no pkexec',
    async () => {
      const handlers = helperCalls(['/usr/bin/node', '/nonexistent/helper.mjs'])
      await expect(handlers.planLab({ lab: {} })).rejects.toThrow(
        'applying needs root, and pkexec is not installed',
      )
    },
  )
})
