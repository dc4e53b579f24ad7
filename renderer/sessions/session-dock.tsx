// Where the open capture and shell panels sit: a dock above the output, newest last.
import './sessions.css'
import { useEffect } from 'react'
import type { Client } from '../api/client.ts'
import { CapturePanel } from './capture-panel.tsx'
import { ShellPanel } from './shell-panel.tsx'
import { useSessions } from './store.ts'

export function SessionDock({ client }: { client: Client }) {
  const panels = useSessions((s) => s.panels)
  useEffect(() => useSessions.getState().setAvailable(client.sessions !== undefined), [client])
  if (panels.length === 0) return null
  return (
    <div className="session-dock">
      {panels.map((p) =>
        p.kind === 'capture' ? (
          <CapturePanel key={p.id} client={client} id={p.id} link={p.link} />
        ) : (
          <ShellPanel key={p.id} client={client} id={p.id} node={p.node} />
        ),
      )}
    </div>
  )
}
