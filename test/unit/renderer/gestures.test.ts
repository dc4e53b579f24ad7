// One undo step per gesture, driven the way the canvas and the fields drive the document store:
// a drag sends a move per mouse move and ends on mouse up; a name field sends a change per keystroke
// and ends on blur.
import { describe, expect, it } from 'vitest'
import {
  addNode,
  connect,
  duplicateLink,
  moveNodes,
  setNodeVlan,
} from '../../../renderer/document/commands.ts'
import { createDocumentStore, userPlaced } from '../../../renderer/document/store.ts'
import type { Lab } from '../../../shared/lab/schema.ts'

const lab: Lab = connect(
  addNode(
    addNode({ patchbay: 1, name: 'gestures', nodes: {}, links: [] }, 'ovs-bridge', { x: 0, y: 0 }),
    'netns',
    {
      x: 0,
      y: 100,
    },
  ),
  'ns0',
  'ovs0',
)!

describe('a drag', () => {
  it('is one undo step however many moves it takes', () => {
    const doc = createDocumentStore(lab)
    for (let i = 1; i <= 30; i++)
      doc.getState().change((l) => moveNodes(l, { ns0: { x: i * 5, y: 100 + i } }), 'drag')
    doc.getState().endGesture()
    expect(doc.getState().lab.layout?.ns0).toEqual({ x: 150, y: 130 })
    expect(doc.getState().past).toHaveLength(1)
    doc.getState().undo()
    expect(doc.getState().lab.layout?.ns0).toEqual({ x: 0, y: 100 })
    doc.getState().redo()
    expect(doc.getState().lab.layout?.ns0).toEqual({ x: 150, y: 130 })
  })

  it('of several nodes is one step, and two drags are two', () => {
    const doc = createDocumentStore(lab)
    const drag = (dx: number) => {
      for (let i = 1; i <= 3; i++)
        doc
          .getState()
          .change((l) => moveNodes(l, { ns0: { x: dx * i, y: 100 }, ovs0: { x: dx * i, y: 0 } }), 'drag')
      doc.getState().endGesture()
    }
    drag(10)
    drag(-10)
    expect(doc.getState().past).toHaveLength(2)
    doc.getState().undo()
    expect(doc.getState().lab.layout).toEqual({ ovs0: { x: 30, y: 0 }, ns0: { x: 30, y: 100 } })
  })

  it('that ends where it started leaves no step', () => {
    const doc = createDocumentStore(lab)
    doc.getState().change((l) => moveNodes(l, { ns0: { x: 0, y: 100 } }), 'drag')
    doc.getState().endGesture()
    expect(doc.getState().past).toHaveLength(0)
  })
})

describe('typing a name', () => {
  it('is one undo step for the whole word, and the next word is another', () => {
    const doc = createDocumentStore(lab)
    const type = (word: string) => {
      for (let i = 1; i <= word.length; i++)
        doc.getState().change((l) => ({ ...l, name: word.slice(0, i) }), 'lab-name')
      doc.getState().endGesture()
    }
    type('first')
    type('second')
    expect(doc.getState().lab.name).toBe('second')
    expect(doc.getState().past).toHaveLength(2)
    doc.getState().undo()
    expect(doc.getState().lab.name).toBe('first')
    doc.getState().undo()
    expect(doc.getState().lab.name).toBe('gestures')
  })

  it('ends when another gesture starts, even without a blur', () => {
    const doc = createDocumentStore(lab)
    doc.getState().change((l) => ({ ...l, name: 'a' }), 'lab-name')
    doc.getState().change((l) => moveNodes(l, { ns0: { x: 9, y: 9 } }), 'drag')
    doc.getState().change((l) => ({ ...l, name: 'ab' }), 'lab-name')
    expect(doc.getState().past).toHaveLength(3)
  })
})

describe('placement', () => {
  it('counts a node as placed by the user once it is not where the layout put it', () => {
    const doc = createDocumentStore(lab)
    doc.getState().settle(lab, { ns0: { x: 0, y: 100 }, ovs0: { x: 0, y: 0 } })
    expect([...userPlaced(doc.getState().lab, doc.getState().autoPlaced)]).toEqual([])
    doc.getState().change((l) => moveNodes(l, { ns0: { x: 40, y: 100 } }), 'drag')
    expect([...userPlaced(doc.getState().lab, doc.getState().autoPlaced)]).toEqual(['ns0'])
    // Opening a file: whatever has a position there, the user chose.
    doc.getState().load(lab)
    expect([...userPlaced(doc.getState().lab, doc.getState().autoPlaced)].sort()).toEqual(['ns0', 'ovs0'])
  })
})

describe('the context menu commands', () => {
  it('duplicate a guest link as the next interface on the same bridge, VLAN kept, address not', () => {
    const painted = { ...lab, links: [{ guest: 'ns0', to: 'ovs0', vlan: 20, ip: '10.0.0.1/24' }] }
    expect(duplicateLink(painted, 'ns0:eth1')!.links).toEqual([
      { guest: 'ns0', to: 'ovs0', vlan: 20, ip: '10.0.0.1/24' },
      { guest: 'ns0', to: 'ovs0', ifname: 'eth2', vlan: 20 },
    ])
  })

  it('set the VLAN of every link of a node, and take it away', () => {
    const two = connect(addNode(lab, 'netns', { x: 50, y: 100 }), 'ns1', 'ovs0')!
    const set = setNodeVlan(two, 'ovs0', 30)
    expect(set.links!.map((l) => l.vlan)).toEqual([30, 30])
    expect(setNodeVlan(set, 'ns1', null).links!.map((l) => l.vlan)).toEqual([30, undefined])
  })
})
