// Keyboard shortcuts, as document commands: undo/redo, copy/paste (nodes with the links among
// them), select all. Typing in a field is left alone.
import { useEffect } from 'react'
import { duplicate } from '../document/commands.ts'
import { useDocument } from '../document/use-document.ts'
import { useUi } from './store.ts'

export function useShortcuts(): void {
  useEffect(() => {
    let clipboard: string[] = []
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return
      const mod = e.ctrlKey || e.metaKey
      if (!mod) return
      const doc = useDocument.getState()
      const key = e.key.toLowerCase()
      if (key === 'z' && !e.shiftKey) doc.undo()
      else if (key === 'y' || (key === 'z' && e.shiftKey)) doc.redo()
      else if (key === 'c') clipboard = [...useUi.getState().selectedNodes]
      else if (key === 'v' && clipboard.length > 0) doc.change((lab) => duplicate(lab, clipboard))
      else if (key === 'a') useUi.getState().select(Object.keys(doc.lab.nodes), [])
      else return
      e.preventDefault()
    }
    // Capture phase: the canvas library handles keys on the document too.
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [])
}
