// The editor's link-state and impairment commands: each one new lab (one undo step), the default
// `up` written as no field, and an emptied `netem:` removed.
import { describe, expect, it } from 'vitest'
import { setLinkState, setNetemField, toggleLinkState } from '../../../renderer/document/link-commands.ts'
import type { Lab } from '../../../shared/lab/schema.ts'

const lab: Lab = {
  patchbay: 1,
  name: 't',
  nodes: { s: { kind: 'ovs-bridge' }, a: { kind: 'netns' } },
  links: [{ guest: 'a', to: 's', ip: '10.0.0.1/24' }],
}

describe('link state and impairment commands', () => {
  it('toggles down and back up, leaving no state field when up', () => {
    const down = toggleLinkState(lab, 'a:eth1')
    expect(down.links![0]).toEqual({ guest: 'a', to: 's', ip: '10.0.0.1/24', state: 'down' })
    expect(toggleLinkState(down, 'a:eth1').links![0]).toEqual(lab.links![0])
    // Setting what is already there is no change: the same lab, so no undo step.
    expect(setLinkState(lab, 'a:eth1', 'up')).toBe(lab)
    expect(toggleLinkState(lab, 'nope')).toBe(lab)
  })

  it('sets, changes and clears netem fields; an empty netem goes away', () => {
    const slow = setNetemField(lab, 'a:eth1', 'delay', ' 40ms ')
    expect(slow.links![0]!.netem).toEqual({ delay: '40ms' })
    const lossy = setNetemField(slow, 'a:eth1', 'loss', '1%')
    expect(lossy.links![0]!.netem).toEqual({ delay: '40ms', loss: '1%' })
    const cleared = setNetemField(setNetemField(lossy, 'a:eth1', 'delay', ''), 'a:eth1', 'loss', '')
    expect(cleared.links![0]).toEqual(lab.links![0])
  })
})
