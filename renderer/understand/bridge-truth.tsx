// Kernel truth in the bridge inspector, for an applied lab (the bridgeTables call, root): each port's
// VLAN membership as drawn beside what OVS holds, a difference marked, and the MAC addresses the
// bridge learned, on which port and in which VLAN.
import { useEffect, useState } from 'react'
import type { BridgeTable } from '../../shared/api/contract.ts'
import { linkIds } from '../../shared/lab/normalize.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { accessPort, describeSettings, ovsEndSettings } from '../../shared/plan/ovs-ports.ts'
import type { Client } from '../api/client.ts'
import { useDocument } from '../document/use-document.ts'

export interface PortRow {
  /** The lab's port name (a guest link's member name or a wire's id), else the device. */
  readonly port: string
  readonly drawn: string | null
  readonly machine: string | null
  readonly differs: boolean
}

/** Each port of an OVS bridge: its VLAN settings as drawn and as OVS holds them. */
export function portRows(lab: Lab, bridge: string, table: BridgeTable): PortRow[] {
  const ids = linkIds(lab.links ?? [])
  const drawn = new Map<string, string>()
  ;(lab.links ?? []).forEach((link, i) => {
    if ('guest' in link && link.to === bridge) drawn.set(ids[i]!, describeSettings(accessPort(link.vlan)))
    if ('between' in link) {
      const end = link.between.indexOf(bridge)
      if (end >= 0) drawn.set(ids[i]!, describeSettings(ovsEndSettings(link, end as 0 | 1)))
    }
  })
  const rows: PortRow[] = []
  const seen = new Set<string>()
  for (const p of table.ports) {
    const port = p.port ?? p.device
    // The bridge's own internal port is not one the lab draws.
    if (port === bridge) continue
    seen.add(port)
    const machine =
      table.kind === 'ovs-bridge'
        ? describeSettings({ tag: p.tag, trunks: [...p.trunks].sort((a, b) => a - b), vlanMode: p.vlanMode })
        : p.vlans === null
          ? 'every frame as it is (no VLAN filtering)'
          : p.vlans.map((v) => `${v.vlan}${v.pvid ? ' PVID' : ''}${v.untagged ? ' untagged' : ''}`).join(', ')
    const want = drawn.get(port) ?? null
    const compared = table.kind === 'ovs-bridge' && want !== null
    rows.push({ port, drawn: want, machine, differs: want === null || (compared && want !== machine) })
  }
  for (const [port, want] of drawn) {
    if (!seen.has(port)) rows.push({ port, drawn: want, machine: null, differs: true })
  }
  return rows.sort((a, b) => (a.port < b.port ? -1 : a.port > b.port ? 1 : 0))
}

export function BridgeTruth({ client, bridge }: { client: Client; bridge: string }) {
  const lab = useDocument((s) => s.lab)
  const [table, setTable] = useState<BridgeTable | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [reading, setReading] = useState(false)
  // Another bridge selected: what was read belongs to the one before.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the bridge changes
  useEffect(() => {
    setTable(null)
    setError(null)
  }, [bridge])
  const read = async () => {
    setReading(true)
    setError(null)
    try {
      const reply = await client.call('bridgeTables', { lab })
      setTable(reply.bridges.find((b) => b.bridge === bridge) ?? null)
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setReading(false)
    }
  }
  const rows = table?.present ? portRows(lab, bridge, table) : []
  const learned = table?.fdb.filter((f) => !f.local) ?? []
  return (
    <section className="bridge-truth" data-bridge-truth={bridge}>
      <h4>On the machine</h4>
      <button type="button" data-action="bridge-tables" disabled={reading} onClick={read}>
        {reading ? 'Reading…' : table ? 'Read again' : 'Read the kernel’s tables'}
      </button>
      {error && <p className="truth-error">{error}</p>}
      {table && !table.present && (
        <p className="truth-note">{bridge} is not on the machine: apply the lab first.</p>
      )}
      {table?.note && <p className="truth-note">{table.note}</p>}
      {table?.present && (
        <>
          <table className="truth-ports">
            <thead>
              <tr>
                <th>port</th>
                <th>drawn</th>
                <th>on the machine</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.port}
                  className={r.differs ? 'differs' : ''}
                  data-truth-port={r.port}
                  data-differs={String(r.differs)}
                >
                  <td>{r.port}</td>
                  <td>{r.drawn ?? 'not in the lab'}</td>
                  <td>{r.machine ?? 'missing'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="truth-fdb">
            <thead>
              <tr>
                <th>learned MAC</th>
                <th>VLAN</th>
                <th>port</th>
                <th>age</th>
              </tr>
            </thead>
            <tbody>
              {learned.length === 0 && (
                <tr>
                  <td colSpan={4}>nothing learned yet: send traffic (Trace, Verify)</td>
                </tr>
              )}
              {learned.map((f) => (
                <tr
                  key={`${f.mac} ${f.vlan}`}
                  data-fdb-mac={f.mac}
                  data-fdb-vlan={f.vlan ?? ''}
                  data-fdb-port={f.port ?? f.device ?? ''}
                >
                  <td>{f.mac}</td>
                  <td>{f.vlan === null ? '–' : f.vlan === 0 ? 'untagged' : f.vlan}</td>
                  <td>{f.port ?? f.device ?? '?'}</td>
                  <td>{f.ageSeconds === null ? '' : `${f.ageSeconds} s`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}
