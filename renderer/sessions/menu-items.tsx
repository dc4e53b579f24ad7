// The context menu's entries that open a session: "Capture packets" on a link, "Open shell" on a
// container or netns guest. Absent where the page cannot open sessions (no engine behind it).
import { useDocument } from '../document/use-document.ts'
import { useSessions } from './store.ts'

export function CaptureMenuItem({ link, close }: { link: string; close: () => void }) {
  const available = useSessions((s) => s.available)
  if (!available) return null
  return (
    <button
      type="button"
      role="menuitem"
      data-menu-action="capture"
      title="Watch this link's frames on the applied lab (tcpdump on the machine)"
      onClick={() => {
        useSessions.getState().openCapture(link)
        close()
      }}
    >
      Capture packets
    </button>
  )
}

export function ShellMenuItem({ node, close }: { node: string; close: () => void }) {
  const available = useSessions((s) => s.available)
  const kind = useDocument((s) => s.lab.nodes?.[node]?.kind)
  if (!available || (kind !== 'container' && kind !== 'netns')) return null
  return (
    <button
      type="button"
      role="menuitem"
      data-menu-action="shell"
      title="A terminal in this guest's namespaces on the applied lab"
      onClick={() => {
        useSessions.getState().openShell(node)
        close()
      }}
    >
      Open shell
    </button>
  )
}
