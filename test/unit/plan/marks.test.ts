// Marks are read back from interfaces a hostile guest may have renamed or re-aliased.
import { describe, expect, it } from 'vitest'
import { linkMark, nodeMark, parseMark, physMark, wireMark } from '../../../shared/plan/device-names.ts'

describe('parseMark', () => {
  it('reads back every mark patchbay writes', () => {
    expect(parseMark(linkMark('demo', 'test1:eth1'))).toEqual({ lab: 'demo', kind: 'link', id: 'test1:eth1' })
    expect(parseMark(linkMark('demo', 'ovs1~ovs2#2'))).toEqual({
      lab: 'demo',
      kind: 'link',
      id: 'ovs1~ovs2#2',
    })
    expect(parseMark(nodeMark('demo', 'br0'))).toEqual({ lab: 'demo', kind: 'node', id: 'br0' })
    expect(parseMark(nodeMark('demo', 'host:h1'))).toEqual({ lab: 'demo', kind: 'node', id: 'host:h1' })
    expect(parseMark(wireMark('demo', 'ovs1~ovs2~vxlan42', 'b'))).toEqual({
      lab: 'demo',
      kind: 'wire',
      id: 'ovs1~ovs2~vxlan42',
      end: 'b',
    })
    expect(parseMark(physMark('demo', 'c1:eth1', 'enp3s0'))).toEqual({
      lab: 'demo',
      kind: 'phys',
      id: 'c1:eth1',
      nic: 'enp3s0',
    })
  })

  it.each([
    // The alias a hostile guest set to make the host run a command (issue 17, item 1).
    'patchbay:lab:phys:x\nnetns add pwn\nnetns exec pwn touch /tmp/x\nlink show lo:gone',
    'patchbay:lab:phys:x y:c1:eth1',
    'patchbay:lab:phys:-netns:c1:eth1',
    'patchbay:lab:phys:eth0:c1:eth1 extra',
    'patchbay:lab:link:c1:eth1\u0000',
    'patchbay:lab:link:c1:eth1\nlink del eth0',
    'patchbay:lab:link:c1:eth 1',
    'patchbay:lab:link:c1:eth1#x',
    'patchbay:lab:link:c1',
    'patchbay:lab:link:',
    'patchbay:Lab:link:c1:eth1',
    'patchbay:-lab:link:c1:eth1',
    'patchbay:lab:node:-rf',
    'patchbay:lab:node:a b',
    'patchbay:lab:node:host:',
    'patchbay:lab:wire:c:ovs1~ovs2',
    'patchbay:lab:wire:a:ovs1~ovs2~tunnel',
    'patchbay:lab:other:x',
    `patchbay:lab:link:c1:${'e'.repeat(16)}`,
    `patchbay:lab:node:${'n'.repeat(300)}`,
  ])('refuses %j', (alias) => {
    expect(parseMark(alias)).toBeNull()
  })

  it('is no mark when the alias is not patchbay’s', () => {
    expect(parseMark('uplink to the lab switch')).toBeNull()
    expect(parseMark(null)).toBeNull()
  })
})
