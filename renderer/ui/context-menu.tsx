// Right click on a node or a link: inspect, duplicate, take a link down or up, set VLAN, delete. Each entry is one document
// command, so one undo step.
import { useState } from 'react'
import { linkIds } from '../../shared/lab/normalize.ts'
import { deleteSelection, duplicate, duplicateLink, paintVlan, setNodeVlan } from '../document/commands.ts'
import { toggleLinkState } from '../document/link-commands.ts'
import { useDocument } from '../document/use-document.ts'
import { CaptureMenuItem, ShellMenuItem } from '../sessions/menu-items.tsx'
import { PathMenuItems } from '../understand/path-panel.tsx'
import { useUi } from './store.ts'

export function ContextMenu() {
  const menu = useUi((s) => s.menu)
  const { openMenu, select } = useUi.getState()
  const change = useDocument((s) => s.change)
  const linkDown = useDocument((s) =>
    menu?.link ? s.lab.links?.[linkIds(s.lab.links ?? []).indexOf(menu.link)]?.state === 'down' : false,
  )
  const [vlan, setVlan] = useState('')
  if (!menu) return null
  const close = () => {
    openMenu(null)
    setVlan('')
  }
  const target = menu.node ?? menu.link!
  const applyVlan = () => {
    const value = /^\d+$/.test(vlan) ? Number(vlan) : null
    if (vlan !== '' && value === null) return
    change((l) => (menu.node ? setNodeVlan(l, menu.node, value) : paintVlan(l, menu.link!, value)))
    close()
  }
  const inspect = () => {
    select(menu.node ? [menu.node] : [], menu.link ? [menu.link] : [])
    close()
    // The inspector is the side panel: bring its first field into view and give it the keyboard.
    requestAnimationFrame(() => {
      const field = document.querySelector<HTMLInputElement>('.inspector input')
      field?.scrollIntoView({ block: 'nearest' })
      field?.focus()
    })
  }
  return (
    <div
      className="context-menu"
      role="menu"
      data-context-menu={target}
      style={{ left: menu.x, top: menu.y }}
      onContextMenu={(e) => e.preventDefault()}
    >
      <div className="menu-title">{target}</div>
      <button type="button" role="menuitem" data-menu-action="inspect" onClick={inspect}>
        Inspect
      </button>
      {menu.node && <PathMenuItems node={menu.node} close={close} />}
      {menu.node && <ShellMenuItem node={menu.node} close={close} />}
      {menu.link && <CaptureMenuItem link={menu.link} close={close} />}
      {menu.link && (
        <button
          type="button"
          role="menuitem"
          data-menu-action="toggle-state"
          title="state: down sets both ends administratively down; apply to take effect"
          onClick={() => {
            change((l) => toggleLinkState(l, menu.link!))
            close()
          }}
        >
          {linkDown ? 'Bring link up' : 'Take link down'}
        </button>
      )}
      <button
        type="button"
        role="menuitem"
        data-menu-action="duplicate"
        onClick={() => {
          change((l) => (menu.node ? duplicate(l, [menu.node]) : duplicateLink(l, menu.link!)))
          close()
        }}
      >
        Duplicate
      </button>
      <label className="menu-vlan">
        Set VLAN{' '}
        <input
          data-menu-field="vlan"
          placeholder="none"
          value={vlan}
          size={5}
          onChange={(e) => setVlan(e.target.value.trim())}
          onKeyDown={(e) => {
            if (e.key === 'Enter') applyVlan()
            if (e.key === 'Escape') close()
          }}
        />
        <button type="button" data-menu-action="set-vlan" onClick={applyVlan}>
          Set
        </button>
      </label>
      <button
        type="button"
        role="menuitem"
        data-menu-action="delete"
        className="danger"
        onClick={() => {
          change((l) => deleteSelection(l, menu.node ? [menu.node] : [], menu.link ? [menu.link] : []))
          select([], [])
          close()
        }}
      >
        Delete
      </button>
    </div>
  )
}
