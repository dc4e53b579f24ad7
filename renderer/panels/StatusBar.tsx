// The bottom line: which file, whether it is saved, and what the machine has of the lab (not
// applied, in sync, drifted), read with statusLab after open, apply and destroy, or on a click.
import { useEffect } from 'react'
import { create } from 'zustand'
import type { ApiReply } from '../../shared/api/contract.ts'
import type { Client } from '../api/client.ts'
import { fileLabel, useFile } from '../document/file.ts'
import { reloadFile } from '../document/file-actions.ts'
import { useDocument } from '../document/use-document.ts'
import { useLive } from '../live/store.ts'
import { keepWatching } from '../live/watching.ts'

export type MachineState =
  | { readonly state: 'unknown'; readonly why: string }
  | { readonly state: 'not-applied' | 'in-sync' }
  | { readonly state: 'drifted'; readonly links: number }

/** What statusLab says in three words: nothing there, everything as drawn, or some of it differs. */
export function machineState(status: ApiReply<'statusLab'>): MachineState {
  if (status.inSync) return { state: 'in-sync' }
  const missing = status.links.filter((l) => l.state === 'missing').length
  if (status.links.length > 0 && missing === status.links.length && status.extra.length === 0)
    return { state: 'not-applied' }
  return {
    state: 'drifted',
    links: status.links.filter((l) => l.state !== 'up' && l.state !== 'admin-down').length,
  }
}

const useMachine = create<{ machine: MachineState; set(m: MachineState): void }>()((set) => ({
  machine: { state: 'unknown', why: 'not read yet' },
  set: (machine) => set({ machine }),
}))

/** The last read asked for: an earlier one that answers later (a machine that was cut off) is old news. */
let lastAsked = 0

export async function refreshMachine(client: Client): Promise<void> {
  const lab = useDocument.getState().lab
  const asked = ++lastAsked
  try {
    const machine = machineState(await client.call('statusLab', { lab }))
    if (asked !== lastAsked) return
    useMachine.getState().set(machine)
    // A lab the machine already holds (applied from the CLI, or before a reload) shows live state.
    if (machine.state === 'in-sync' || machine.state === 'drifted') keepWatching(client, lab)
  } catch (e) {
    if (asked === lastAsked) useMachine.getState().set({ state: 'unknown', why: (e as Error).message })
  }
}

const MACHINE_TEXT = {
  unknown: 'machine: unknown',
  'not-applied': 'machine: not applied',
  'in-sync': 'machine: in sync',
  drifted: 'machine: drifted',
} as const

/** A lab over machines: how many of its machines the live stream reaches now, and which not. */
function MachinesReach({ machines }: { machines: readonly string[] }) {
  const reach = useLive((s) => s.machines)
  const known = machines.filter((m) => reach[m] !== undefined)
  const reachable = known.filter((m) => reach[m]!.reachable)
  const unreachable = known.filter((m) => !reach[m]!.reachable)
  const text =
    known.length === 0
      ? `${machines.length} machines, not watched`
      : `${reachable.length} of ${machines.length} machines reachable${unreachable.length ? ` (${unreachable.join(', ')} not)` : ''}`
  return (
    <span
      className={`machines-reach${unreachable.length ? ' some-unreachable' : ''}`}
      data-machines-reachable={known.length === 0 ? '' : `${reachable.length}/${machines.length}`}
      title={unreachable.map((m) => `${m}: ${reach[m]!.why ?? 'no answer'}`).join('\n') || undefined}
    >
      {text}
    </span>
  )
}

export function StatusBar({ client }: { client: Client }) {
  const lab = useDocument((s) => s.lab)
  const { path, savedLab, changedOnDisk } = useFile()
  const machine = useMachine((s) => s.machine)
  const dirty = lab !== savedLab
  const label = fileLabel(path, lab.name)
  const machines = Object.entries(lab.hosts ?? {})
    .filter(([, host]) => host.ssh !== undefined)
    .map(([name]) => name)
  useEffect(() => {
    document.title = `${dirty ? '● ' : ''}${label} — patchbay`
  }, [dirty, label])
  // A machine of the lab lost or reached again: what the lab is over its machines is read again
  // (unknown while one cannot be read), never left saying what it was before.
  const lost = useLive((s) =>
    Object.keys(s.machines)
      .filter((m) => !s.machines[m]!.reachable)
      .join(','),
  )
  const heard = useLive((s) => Object.keys(s.machines).length > 0)
  // biome-ignore lint/correctness/useExhaustiveDependencies: read again whenever `lost` changes
  useEffect(() => {
    if (heard) void refreshMachine(client)
  }, [lost, heard, client])
  return (
    <div className="status-bar">
      <span className="file" data-file={path ?? ''} title={path ?? 'not saved yet'}>
        {label}
      </span>
      <span className={`dirty${dirty ? ' on' : ''}`} data-dirty={String(dirty)}>
        {dirty ? '● unsaved changes' : 'saved'}
      </span>
      {changedOnDisk && (
        <span className="disk-changed" data-disk-changed>
          changed on disk{' '}
          <button type="button" data-action="reload" onClick={() => reloadFile(client)}>
            Reload
          </button>
          <button type="button" onClick={() => useFile.setState({ changedOnDisk: false })}>
            Keep mine
          </button>
        </span>
      )}
      <button
        type="button"
        className={`machine ${machine.state}`}
        data-machine={machine.state}
        title={machine.state === 'unknown' ? machine.why : 'read the machine again'}
        onClick={() => refreshMachine(client)}
      >
        {/* A lab over machines: what all of its machines hold together. */}
        {machines.length > 0
          ? MACHINE_TEXT[machine.state].replace('machine:', 'machines:')
          : MACHINE_TEXT[machine.state]}
        {machine.state === 'drifted' ? ` (${machine.links} links)` : ''}
      </button>
      {machines.length > 0 && <MachinesReach machines={machines} />}
    </div>
  )
}
