// Keyboard shortcuts, as document commands: undo/redo, copy/paste (nodes with the links among
// them), select all, delete, layout, zoom to selection, save, and `?` for the list (SHORTCUTS,
// which the help overlay shows). Typing in a field is left alone (but Ctrl+S saves from anywhere).
import { useEffect } from 'react'
import { labNodeSizes } from '../../shared/layout/geometry.ts'
import type { Client } from '../api/client.ts'
import { pasteOffset } from '../canvas/free-spot.ts'
import { deleteSelection, duplicate } from '../document/commands.ts'
import { saveFile, saveFileAs } from '../document/file-actions.ts'
import { layoutDocument } from '../document/layout-actions.ts'
import { useDocument } from '../document/use-document.ts'
import { useUi } from './store.ts'

export const SHORTCUTS: readonly (readonly [string, string])[] = [
  ['Ctrl+Z', 'undo (a whole drag or name at once)'],
  ['Ctrl+Shift+Z, Ctrl+Y', 'redo'],
  ['Ctrl+C, Ctrl+V', 'copy and paste the selected nodes with the links among them'],
  ['Ctrl+S, Ctrl+Shift+S', 'save the lab file, save it as'],
  ['Ctrl+A', 'select every node'],
  ['Shift+click', 'add a node to the selection'],
  ['Delete, Backspace', 'delete the selection'],
  ['right click', 'menu of a node or link: inspect, duplicate, set VLAN, delete'],
  ['F', 'zoom to the selection (the whole lab when nothing is selected)'],
  ['L', 'lay out the nodes you did not place'],
  ['Shift+L', 're-lay out every node'],
  ['type a VLAN in “paint VLAN”, click links', 'paint access VLANs'],
  ['Escape', 'close menus, stop painting'],
  ['?', 'this list'],
]

/** Zoom to the selected nodes (and the ends of selected links), or to everything. */
export function zoomToSelection(): void {
  const ui = useUi.getState()
  const ends = ui.selectedLinks.flatMap((id) => {
    const [a, b] = id.replace(/#\d+$/, '').split(/[~:]/)
    return id.includes('~') ? [a!, b!] : [a!]
  })
  const nodes = [...ui.selectedNodes, ...ends]
  ui.requestFit(nodes.length > 0 ? nodes : undefined)
}

export function useShortcuts(client: Client): void {
  useEffect(() => {
    let clipboard: string[] = []
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey
      if (mod && e.key.toLowerCase() === 's') {
        // The field being typed in is committed first (fields save on blur).
        ;(document.activeElement as HTMLElement | null)?.blur?.()
        e.preventDefault()
        void (e.shiftKey ? saveFileAs(client) : saveFile(client))
        return
      }
      const target = e.target as HTMLElement | null
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return
      const doc = useDocument.getState()
      const ui = useUi.getState()
      const key = e.key.toLowerCase()
      if (e.ctrlKey || e.metaKey) {
        if (key === 'z' && !e.shiftKey) doc.undo()
        else if (key === 'y' || (key === 'z' && e.shiftKey)) doc.redo()
        else if (key === 'c') clipboard = [...ui.selectedNodes]
        else if (key === 'v' && clipboard.length > 0) {
          const before = new Set(Object.keys(doc.lab.nodes))
          // The copies land together where they cover nothing, originals included.
          const sizes = labNodeSizes(doc.lab)
          const boxes = new Map(
            Object.keys(doc.lab.nodes).flatMap((n) => {
              const at = doc.lab.layout?.[n]
              return at ? [[n, { ...at, ...sizes.get(n)! }] as const] : []
            }),
          )
          const offset = pasteOffset(boxes, clipboard)
          doc.change((lab) => duplicate(lab, clipboard, offset))
          const pasted = Object.keys(useDocument.getState().lab.nodes).filter((n) => !before.has(n))
          ui.select(pasted, [])
          ui.requestFit()
        } else if (key === 'a') ui.select(Object.keys(doc.lab.nodes), [])
        else return
      } else if (e.altKey) return
      else if (e.key === '?') ui.toggleHelp()
      else if (e.key === 'Escape') {
        ui.openMenu(null)
        ui.toggleHelp(false)
        ui.setPaint(null)
      } else if (e.key === 'Delete' || e.key === 'Backspace') {
        if (ui.selectedNodes.length === 0 && ui.selectedLinks.length === 0) return
        doc.change((lab) => deleteSelection(lab, ui.selectedNodes, ui.selectedLinks))
        ui.select([], [])
      } else if (key === 'f') zoomToSelection()
      else if (key === 'l') void layoutDocument(e.shiftKey)
      else return
      e.preventDefault()
    }
    // Capture phase: the canvas library handles keys on the document too.
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [client])
}
