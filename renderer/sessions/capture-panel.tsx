// A live packet list for one link: the capture session's pcap bytes decoded as they arrive
// (shared/capture/pcap.ts), with Stop and a download of the bytes received so far as a .pcap file.
import { useEffect, useRef, useState } from 'react'
import { decodeFrame, PcapStream } from '../../shared/capture/pcap.ts'
import { checkLab } from '../../shared/lab/check.ts'
import type { Client, SessionChannel } from '../api/client.ts'
import { useDocument } from '../document/use-document.ts'
import { useSessions } from './store.ts'

/** Rows kept in the list; the download keeps every byte (a long capture is for Wireshark). */
const MAX_ROWS = 2000

interface Row {
  readonly n: number
  readonly time: number
  readonly source: string
  readonly destination: string
  readonly vlans: readonly number[]
  readonly protocol: string
  readonly summary: string
}

type Status = { state: 'starting' | 'running' | 'stopping' } | { state: 'ended'; error?: string }

const fromBase64 = (data: string): Uint8Array => Uint8Array.from(atob(data), (c) => c.charCodeAt(0))

/** A file name from a link id ("a:eth1", "s1~s2"): letters, digits, dot, dash, underscore. */
export const pcapFileName = (link: string) => `${link.replace(/[^A-Za-z0-9._-]+/g, '_')}.pcap`

export function CapturePanel({ client, id, link }: { client: Client; id: string; link: string }) {
  const [rows, setRows] = useState<readonly Row[]>([])
  const [status, setStatus] = useState<Status>({ state: 'starting' })
  const channel = useRef<SessionChannel | null>(null)
  const bytes = useRef<Uint8Array[]>([])
  const list = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const lab = checkLab(useDocument.getState().lab).lab
    if (!lab || !client.sessions) {
      setStatus({ state: 'ended', error: lab ? 'this page cannot capture' : 'the lab has errors' })
      return
    }
    const stream = new PcapStream()
    let first: number | null = null
    let count = 0
    const open = client.sessions((event) => {
      if (event.type === 'error') return setStatus({ state: 'ended', error: event.error })
      if (!('session' in event) || event.session !== id) return
      if (event.type === 'capture') {
        const chunk = fromBase64(event.data)
        bytes.current.push(chunk)
        setStatus((s) => (s.state === 'starting' ? { state: 'running' } : s))
        const added = stream.push(chunk).map((record): Row => {
          first ??= record.time
          const frame = decodeFrame(record.data)
          return { n: ++count, time: record.time - first, ...frame }
        })
        if (stream.error) setStatus({ state: 'ended', error: stream.error })
        if (added.length > 0) setRows((r) => [...r, ...added].slice(-MAX_ROWS))
      } else if (event.type === 'capture-end') {
        setStatus({ state: 'ended', ...(event.error ? { error: event.error } : {}) })
      }
    })
    channel.current = open
    open.send({ type: 'capture-start', session: id, lab, link })
    return () => {
      open.send({ type: 'capture-stop', session: id })
      open.close()
      channel.current = null
    }
  }, [client, id, link])

  // Follow the newest row unless the user scrolled up to read.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when rows arrive
  useEffect(() => {
    const el = list.current
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 60) el.scrollTop = el.scrollHeight
  }, [rows])

  const stop = () => {
    channel.current?.send({ type: 'capture-stop', session: id })
    setStatus((s) => (s.state === 'ended' ? s : { state: 'stopping' }))
  }
  const download = () => {
    const blob = new Blob(bytes.current as BlobPart[], { type: 'application/vnd.tcpdump.pcap' })
    const a = document.createElement('a')
    a.href = URL.createObjectURL(blob)
    a.download = pcapFileName(link)
    a.click()
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000)
  }
  const running = status.state === 'running' || status.state === 'starting'
  return (
    <section
      className="session-panel capture-panel"
      data-capture-panel={link}
      data-capture-state={status.state}
    >
      <header>
        <h4>Capture {link}</h4>
        <span className="session-status" data-capture-status>
          {status.state === 'ended'
            ? (status.error ?? 'stopped')
            : status.state === 'starting'
              ? 'starting…'
              : `${rows.length} frame${rows.length === 1 ? '' : 's'}`}
        </span>
        <button type="button" data-action="capture-stop" disabled={!running} onClick={stop}>
          Stop
        </button>
        <button
          type="button"
          data-action="capture-download"
          disabled={bytes.current.length === 0}
          onClick={download}
          title="The bytes received so far, as a .pcap file for Wireshark"
        >
          Download pcap
        </button>
        <button
          type="button"
          data-action="capture-close"
          aria-label="close"
          onClick={() => useSessions.getState().closePanel(id)}
        >
          ×
        </button>
      </header>
      <div className="packet-list" ref={list}>
        <table>
          <thead>
            <tr>
              <th>#</th>
              <th>time</th>
              <th>source</th>
              <th>destination</th>
              <th>VLAN</th>
              <th>protocol</th>
              <th>summary</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.n} data-packet-row={r.n} data-protocol={r.protocol}>
                <td>{r.n}</td>
                <td>{r.time.toFixed(6)}</td>
                <td>{r.source}</td>
                <td>{r.destination}</td>
                <td>{r.vlans.join('.')}</td>
                <td>{r.protocol}</td>
                <td>{r.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
