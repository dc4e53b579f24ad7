// The side panel's path section: pick two guest interfaces, then explain the path between them or
// step a frame across it. The same actions are on a guest's context menu (PathMenuItems).
import { useMemo, useState } from 'react'
import { checkLab } from '../../shared/lab/check.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { ApiFailure, type Client } from '../api/client.ts'
import { checkedContent } from '../document/checked.ts'
import { useDocument } from '../document/use-document.ts'
import { useUi } from '../ui/store.ts'
import { explainPath, guestInterfaces, stepBroadcast, stepUnicast } from './actions.ts'
import { useUnderstand } from './store.ts'
import { traceStepping } from './trace-steps.ts'

/**
 * A button for one call on the applied lab (root): the checked lab in, busy while it runs, and a
 * failure shown in the output panel under `what failed`.
 */
function MachineCallButton(props: {
  action: string
  label: string
  busyLabel: string
  title: string
  what: string
  call: (lab: Lab) => Promise<void>
}) {
  const [running, setRunning] = useState(false)
  const run = async () => {
    const lab = checkLab(useDocument.getState().lab).lab
    if (!lab) return
    setRunning(true)
    try {
      await props.call(lab)
    } catch (e) {
      const lines = e instanceof ApiFailure ? e.problems.map((p) => `${p.field}: ${p.message}`) : []
      useUi
        .getState()
        .show({ kind: 'text', title: `${props.what} failed: ${(e as Error).message}`, lines, failed: true })
    } finally {
      setRunning(false)
    }
  }
  return (
    <button type="button" data-action={props.action} disabled={running} onClick={run} title={props.title}>
      {running ? props.busyLabel : props.label}
    </button>
  )
}

/** Explain from the lab as the kernel and OVS hold it (the explainLab call, root), beside the drawing. */
function MachineExplainButton({ client, from, to }: { client: Client; from: string; to: string }) {
  return (
    <MachineCallButton
      action="explain-machine"
      label="Explain on the machine"
      busyLabel="Reading…"
      title="Explain from the applied lab as the kernel and OVS hold it, beside the drawing (root)"
      what="explain"
      call={async (lab) => {
        const reply = await client.call('explainLab', { lab, from, to, observed: true })
        useUnderstand.getState().setPair(reply.from, reply.to)
        useUnderstand.getState().show({
          kind: 'explain',
          explanation: reply,
          source: reply.explainedFrom === 'machine' ? 'machine' : 'drawing',
          ...(reply.drawing ? { drawing: reply.drawing } : {}),
          ...(reply.disagrees !== undefined ? { disagrees: reply.disagrees } : {}),
        })
      }}
    />
  )
}

/** Real frames on the applied lab (the traceLab call, root), animated like the simulation. */
function TraceButton({ client, from, to }: { client: Client; from: string; to: string }) {
  return (
    <MachineCallButton
      action="trace-path"
      label="Trace real frames"
      busyLabel="Tracing…"
      title="Capture on every port of the applied lab while 'from' sends an ARP request and a ping to 'to' (root)"
      what="trace"
      call={async (lab) => {
        const reply = await client.call('traceLab', { lab, from, to })
        useUnderstand.getState().setPair(reply.from, reply.to)
        useUnderstand.getState().show({ kind: 'steps', stepping: traceStepping(reply, lab), index: 0 })
      }}
    />
  )
}

export function PathPanel({ client }: { client: Client }) {
  // The content's check, not the lab: a drag moving nodes does not recompute the guests.
  const checked = useDocument((s) => checkedContent(s.lab))
  const guests = useMemo(() => guestInterfaces(checked.lab), [checked])
  const { from: chosenFrom, to: chosenTo, setPair } = useUnderstand()
  if (guests.length < 1) return null
  const from = chosenFrom && guests.includes(chosenFrom) ? chosenFrom : guests[0]!
  const to = chosenTo && guests.includes(chosenTo) ? chosenTo : (guests.find((g) => g !== from) ?? from)
  const picker = (label: string, value: string, set: (v: string) => void, field: string) => (
    <label className="path-pick">
      <span>{label}</span>
      <select data-path-field={field} value={value} onChange={(e) => set(e.target.value)}>
        {guests.map((g) => (
          <option key={g} value={g}>
            {g}
          </option>
        ))}
      </select>
    </label>
  )
  return (
    <section className="path-panel" data-panel="path">
      <h4>Follow a frame</h4>
      {picker('from', from, (v) => setPair(v, to), 'from')}
      {picker('to', to, (v) => setPair(from, v), 'to')}
      <div className="path-buttons">
        <button
          type="button"
          data-action="explain-path"
          onClick={() => explainPath(from, to)}
          title="Why does from reach to, or not?"
        >
          Explain
        </button>
        <button
          type="button"
          data-action="step-arp"
          onClick={() => stepBroadcast(from)}
          title="Step an ARP request (broadcast) from 'from', hop by hop"
        >
          Step ARP
        </button>
        <button
          type="button"
          data-action="step-unicast"
          onClick={() => stepUnicast(from, to)}
          title="Step a unicast frame from 'from' to 'to'"
        >
          Step unicast
        </button>
        <MachineExplainButton client={client} from={from} to={to} />
        <TraceButton client={client} from={from} to={to} />
      </div>
    </section>
  )
}

/** A guest's context-menu entries: explain the path to another guest, send a frame from it. */
export function PathMenuItems({ node, close }: { node: string; close: () => void }) {
  const kind = useDocument((s) => s.lab.nodes[node]?.kind)
  if (kind !== 'container' && kind !== 'netns') return null
  const member = () =>
    guestInterfaces(checkLab(useDocument.getState().lab).lab).find((m) => m.startsWith(`${node}:`))
  const item = (action: string, label: string, run: (from: string) => void) => (
    <button
      type="button"
      role="menuitem"
      data-menu-action={action}
      onClick={() => {
        const from = member()
        close()
        if (from) run(from)
      }}
    >
      {label}
    </button>
  )
  return (
    <>
      {item('explain-path', 'Explain path to…', (from) =>
        useUnderstand.getState().startPick(from, 'explain'),
      )}
      {item('step-arp', 'Step ARP request from here', (from) => stepBroadcast(from))}
      {item('step-unicast', 'Send a frame to…', (from) =>
        useUnderstand.getState().startPick(from, 'unicast'),
      )}
    </>
  )
}
