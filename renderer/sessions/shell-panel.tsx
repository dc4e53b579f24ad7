// A terminal on a guest of the applied lab: xterm.js in the page, a pty in the guest's namespaces on
// the server (shell-open/input/resize/close). The fit addon sizes it to the panel; copy and paste go
// through xterm's selection and the browser's clipboard (Ctrl+Shift+C / Ctrl+Shift+V, or the
// browser's own copy and paste). Closing the panel closes the shell.
import '@xterm/xterm/css/xterm.css'
import { FitAddon } from '@xterm/addon-fit'
import { Terminal } from '@xterm/xterm'
import { useEffect, useRef, useState } from 'react'
import { checkLab } from '../../shared/lab/check.ts'
import type { Client } from '../api/client.ts'
import { useDocument } from '../document/use-document.ts'
import { useSessions } from './store.ts'

type Status = { state: 'open' } | { state: 'ended'; message: string }

export function ShellPanel({ client, id, node }: { client: Client; id: string; node: string }) {
  const host = useRef<HTMLDivElement>(null)
  const [status, setStatus] = useState<Status>({ state: 'open' })

  useEffect(() => {
    const lab = checkLab(useDocument.getState().lab).lab
    const element = host.current
    if (!element) return
    if (!lab || !client.sessions) {
      setStatus({ state: 'ended', message: lab ? 'this page cannot open a shell' : 'the lab has errors' })
      return
    }
    const term = new Terminal({
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      cursorBlink: true,
      scrollback: 2000,
      theme: { background: '#1b1d22' },
    })
    const fit = new FitAddon()
    term.loadAddon(fit)
    term.open(element)
    fit.fit()
    const channel = client.sessions((event) => {
      if (event.type === 'error') return setStatus({ state: 'ended', message: event.error })
      if (!('session' in event) || event.session !== id) return
      if (event.type === 'shell') term.write(event.data)
      else if (event.type === 'shell-exit')
        setStatus({
          state: 'ended',
          message: event.error ?? `exited${event.exitCode === null ? '' : ` (${event.exitCode})`}`,
        })
    })
    channel.send({ type: 'shell-open', session: id, lab, node, cols: term.cols, rows: term.rows })
    term.onData((data) => channel.send({ type: 'shell-input', session: id, data }))
    term.onResize(({ cols, rows }) => channel.send({ type: 'shell-resize', session: id, cols, rows }))
    // Ctrl+C stays the terminal's interrupt; with Shift it copies, as in desktop terminals.
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true
      if (e.code === 'KeyC' && term.hasSelection()) {
        void navigator.clipboard?.writeText(term.getSelection())
        return false
      }
      // Chromium pastes on Ctrl+Shift+V itself (a paste event xterm takes): only keep the key from the shell.
      if (e.code === 'KeyV') return false
      return true
    })
    const resized = new ResizeObserver(() => fit.fit())
    resized.observe(element)
    term.focus()
    return () => {
      resized.disconnect()
      channel.send({ type: 'shell-close', session: id })
      channel.close()
      term.dispose()
    }
  }, [client, id, node])

  return (
    <section className="session-panel shell-panel" data-shell-panel={node} data-shell-state={status.state}>
      <header>
        <h4>Shell {node}</h4>
        <span className="session-status" data-shell-status>
          {status.state === 'ended' ? status.message : 'Ctrl+Shift+C / Ctrl+Shift+V copy and paste'}
        </span>
        <button
          type="button"
          data-action="shell-close"
          aria-label="close"
          onClick={() => useSessions.getState().closePanel(id)}
        >
          ×
        </button>
      </header>
      <div className="terminal-host" ref={host} data-terminal={node} />
    </section>
  )
}
