// A link keeps its identity when its ifname is edited: its key, the selection on it, and the live
// state the machine reports under the id it had when watching began.
import { describe, expect, it } from 'vitest'
import { deleteSelection, duplicate, renameNode, updateLink } from '../../../renderer/document/commands.ts'
import { idOfKey, keyOfId, reconcileLinkKeys, useLinkKeys } from '../../../renderer/document/link-keys.ts'
import { useDocument } from '../../../renderer/document/use-document.ts'
import { liveLinkId, useLive } from '../../../renderer/live/store.ts'
import { useUi } from '../../../renderer/ui/store.ts'
import type { Lab, LabLink } from '../../../shared/lab/schema.ts'

const lab: Lab = {
  patchbay: 1,
  name: 'keys',
  nodes: { s: { kind: 'ovs-bridge' }, a: { kind: 'netns' }, b: { kind: 'netns' } },
  links: [
    { guest: 'a', to: 's', ip: '10.0.0.1/24' },
    { guest: 'b', to: 's', ip: '10.0.0.2/24' },
  ],
}

describe('a drawn link’s identity', () => {
  it('survives an ifname edit, a node rename, deleting a neighbour, undo and redo', () => {
    const doc = useDocument.getState()
    doc.load(lab)
    const [ka, kb] = useLinkKeys.getState().keys
    expect(ka).not.toBe(kb)
    doc.change((l) => updateLink(l, 'b:eth1', { ifname: 'lan0' }))
    expect(useLinkKeys.getState().ids).toEqual(['a:eth1', 'b:lan0'])
    expect(useLinkKeys.getState().keys).toEqual([ka, kb])
    doc.change((l) => renameNode(l, 'a', 'alpha'))
    expect(idOfKey(ka!)).toBe('alpha:eth1')
    doc.change((l) => deleteSelection(l, [], ['alpha:eth1']))
    expect(useLinkKeys.getState().keys).toEqual([kb])
    useDocument.getState().undo()
    useDocument.getState().undo()
    useDocument.getState().undo()
    expect(useLinkKeys.getState().keys).toEqual([ka, kb])
    expect(keyOfId('b:eth1')).toBe(kb)
    useDocument.getState().redo()
    expect(keyOfId('b:lan0')).toBe(kb)
  })

  it('keeps the selection on a link whose ifname is edited, and its live state', () => {
    const doc = useDocument.getState()
    doc.load(lab)
    useUi.getState().select([], ['b:eth1'])
    const kb = keyOfId('b:eth1')!
    // Watching began when the link was b:eth1: the machine reports it under that id.
    useLive.setState({
      watched: { [kb]: 'b:eth1' },
      links: { 'b:eth1': { id: 'b:eth1', state: 'up', reasons: [] } },
    })
    doc.change((l) => updateLink(l, 'b:eth1', { ifname: 'lan0' }))
    expect(useUi.getState().selectedLinks).toEqual(['b:lan0'])
    const live = useLive.getState()
    expect(live.links[liveLinkId(live, keyOfId('b:lan0'), 'b:lan0')]?.state).toBe('up')
  })

  it('gives copies keys of their own', () => {
    const before = lab.links!
    const keys = reconcileLinkKeys([], [], before)
    const copied = duplicate(lab, ['a', 's']).links as LabLink[]
    const after = reconcileLinkKeys(before, keys, copied)
    expect(after.slice(0, 2)).toEqual(keys)
    expect(new Set(after).size).toBe(after.length)
  })
})
