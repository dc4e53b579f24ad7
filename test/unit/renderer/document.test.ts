// The editor's document, driven as a user's gestures would drive it: drop nodes, draw links, set
// addresses, paint VLANs, undo and redo; then the lab it would save is checked like a file.
import { describe, expect, it } from 'vitest'
import {
  addNode,
  connect,
  deleteSelection,
  duplicate,
  paintVlan,
  renameNode,
  updateLink,
} from '../../../renderer/document/commands.ts'
import { createDocumentStore } from '../../../renderer/document/store.ts'
import { broadcastDomains } from '../../../shared/l2/domains.ts'
import { checkLab } from '../../../shared/lab/check.ts'
import type { Lab } from '../../../shared/lab/schema.ts'

const empty: Lab = { patchbay: 1, name: 'drawn', nodes: {}, links: [] }

describe('drawing the single-host VLAN lab from an empty canvas', () => {
  it('gives the lab file the scenario describes, with two domains', () => {
    const doc = createDocumentStore(empty)
    const { change } = doc.getState()
    change((lab) => addNode(lab, 'ovs-bridge', { x: 300, y: 50 }))
    for (let i = 0; i < 4; i++) change((lab) => addNode(lab, 'container', { x: 100 * i, y: 250 }))
    for (let i = 1; i <= 4; i++) change((lab) => connect(lab, `c${i}`, 'ovs0'))
    for (let i = 1; i <= 4; i++) change((lab) => updateLink(lab, `c${i}:eth1`, { ip: `10.0.0.${i}/24` }))
    for (const [i, vlan] of [
      [1, 100],
      [2, 100],
      [3, 200],
      [4, 200],
    ] as const)
      change((lab) => paintVlan(lab, `c${i}:eth1`, vlan))
    const lab = doc.getState().lab
    const checked = checkLab(lab)
    expect(checked.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(Object.keys(lab.nodes)).toEqual(['ovs0', 'c1', 'c2', 'c3', 'c4'])
    expect(lab.links![0]).toEqual({ guest: 'c1', to: 'ovs0', ip: '10.0.0.1/24', vlan: 100 })
    expect(broadcastDomains(checked.lab!).domains.map((d) => [d.vlan, d.members])).toEqual([
      [100, ['c1:eth1', 'c2:eth1']],
      [200, ['c3:eth1', 'c4:eth1']],
    ])
  })

  it('undoes and redoes one gesture at a time', () => {
    const doc = createDocumentStore(empty)
    doc.getState().change((lab) => addNode(lab, 'netns', { x: 0, y: 0 }))
    doc.getState().change((lab) => addNode(lab, 'linux-bridge', { x: 0, y: 0 }))
    doc.getState().change((lab) => connect(lab, 'ns0', 'br0'))
    expect(doc.getState().lab.links).toHaveLength(1)
    doc.getState().undo()
    expect(doc.getState().lab.links).toHaveLength(0)
    doc.getState().undo()
    expect(Object.keys(doc.getState().lab.nodes)).toEqual(['ns0'])
    doc.getState().redo()
    doc.getState().redo()
    expect(doc.getState().lab.links).toEqual([{ guest: 'ns0', to: 'br0' }])
    doc.getState().change((lab) => connect(lab, 'ns0', 'ns0'))
    expect(doc.getState().future).toEqual([])
    expect(doc.getState().past).toHaveLength(3)
  })

  it('a second link of a guest gets the next interface name; two bridges get a wire; two guests a veth between them', () => {
    let lab = addNode(
      addNode(addNode(addNode(empty, 'netns', { x: 0, y: 0 }), 'ovs-bridge', { x: 0, y: 0 }), 'ovs-bridge', {
        x: 0,
        y: 0,
      }),
      'netns',
      { x: 0, y: 0 },
    )
    lab = connect(lab, 'ns0', 'ovs0')!
    lab = connect(lab, 'ovs1', 'ns0')!
    lab = connect(lab, 'ovs0', 'ovs1')!
    expect(lab.links).toEqual([
      { guest: 'ns0', to: 'ovs0' },
      { guest: 'ns0', to: 'ovs1', ifname: 'eth2' },
      { between: ['ovs0', 'ovs1'] },
    ])
    // Two guests: a veth with an end in each, on each guest's next free interface.
    const paired = connect(lab, 'ns0', 'ns1')!
    expect(paired.links!.at(-1)).toEqual({ between: ['ns0', 'ns1'], ifnames: ['eth3', 'eth1'] })
    expect(connect(paired, 'ns1', 'ns0')!.links!.at(-1)).toEqual({
      between: ['ns1', 'ns0'],
      ifnames: ['eth2', 'eth4'],
    })
    expect(connect(lab, 'ns0', 'ns0')).toBeNull()
  })

  it('deleting a node takes its links along; copy/paste copies nodes with the links among them', () => {
    let lab = connect(
      addNode(addNode(empty, 'netns', { x: 0, y: 0 }), 'ovs-bridge', { x: 10, y: 10 }),
      'ns0',
      'ovs0',
    )!
    lab = updateLink(lab, 'ns0:eth1', { ip: '10.0.0.1/24', vlan: 7 })
    const pasted = duplicate(lab, ['ns0', 'ovs0'])
    expect(pasted.links).toEqual([
      { guest: 'ns0', to: 'ovs0', ip: '10.0.0.1/24', vlan: 7 },
      { guest: 'ns1', to: 'ovs1', vlan: 7 },
    ])
    expect(pasted.layout?.ovs1).toEqual({ x: 50, y: 50 })
    const deleted = deleteSelection(pasted, ['ovs0'], [])
    expect(Object.keys(deleted.nodes)).toEqual(['ns0', 'ns1', 'ovs1'])
    expect(deleted.links).toEqual([{ guest: 'ns1', to: 'ovs1', vlan: 7 }])
  })

  it('shows the same validation message as the CLI for a field typed into the inspector', () => {
    const lab = updateLink(
      connect(addNode(addNode(empty, 'netns', { x: 0, y: 0 }), 'ovs-bridge', { x: 0, y: 0 }), 'ns0', 'ovs0')!,
      'ns0:eth1',
      { vlan: 4095 },
    )
    expect(checkLab(lab).problems.map((p) => p.message)).toEqual(['VLAN 4095 is outside 1-4094'])
  })
})

describe('a gesture that changes nothing', () => {
  it('leaves no undo step (painting a link the VLAN it has)', () => {
    const lab = connect(
      addNode(addNode(empty, 'netns', { x: 0, y: 0 }), 'ovs-bridge', { x: 0, y: 0 }),
      'ns0',
      'ovs0',
    )!
    const doc = createDocumentStore(paintVlan(lab, 'ns0:eth1', 5))
    doc.getState().change((l) => paintVlan(l, 'ns0:eth1', 5))
    expect(doc.getState().past).toHaveLength(0)
  })
})

describe('renaming a node', () => {
  it('renames it in its links and layout, and refuses a name in use', () => {
    const lab = connect(
      addNode(addNode(empty, 'netns', { x: 1, y: 2 }), 'ovs-bridge', { x: 0, y: 0 }),
      'ns0',
      'ovs0',
    )!
    const renamed = renameNode(lab, 'ns0', 'web')!
    expect(renamed.links).toEqual([{ guest: 'web', to: 'ovs0' }])
    expect(renamed.layout?.web).toEqual({ x: 1, y: 2 })
    expect(Object.keys(renamed.nodes)).toEqual(['web', 'ovs0'])
    expect(renameNode(lab, 'ns0', 'ovs0')).toBeNull()
  })
})

describe('this machine, opened as discovered', () => {
  it('changes nothing, undoes nothing, until it is made a file of its own', () => {
    const doc = createDocumentStore(empty)
    const machine: Lab = { patchbay: 1, name: 'here', nodes: { br0: { kind: 'linux-bridge' } }, links: [] }
    doc.getState().load(machine, 'read-only until saved as a file')
    doc.getState().change((lab) => addNode(lab, 'container', { x: 0, y: 0 }))
    doc.getState().change((lab) => renameNode(lab, 'br0', 'br1'))
    expect(doc.getState().lab).toBe(machine)
    expect(doc.getState().past).toEqual([])
    doc.getState().makeEditable()
    doc.getState().change((lab) => renameNode(lab, 'br0', 'br1'))
    expect(Object.keys(doc.getState().lab.nodes)).toEqual(['br1'])
    // A file opened afterwards is editable from the start.
    doc.getState().load(machine, 'read-only')
    doc.getState().load(empty)
    expect(doc.getState().readOnly).toBeNull()
  })
})
