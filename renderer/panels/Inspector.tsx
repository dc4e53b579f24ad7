// Edits the selected link or node, field by field, with the same messages as `patchbay validate`.
import { useEffect, useState } from 'react'
import { linkIds } from '../../shared/lab/normalize.ts'
import type { Client } from '../api/client.ts'
import { renameNode, updateLink, updateNode } from '../document/commands.ts'
import { keyOfId } from '../document/link-keys.ts'
import { useDocument } from '../document/use-document.ts'
import { liveLinkId, useLive } from '../live/store.ts'
import { useUi } from '../ui/store.ts'
import { BridgeTruth } from '../understand/bridge-truth.tsx'
import { Field } from './field.tsx'
import { LinkExtras } from './link-extras.tsx'

const asNumber = (text: string): number | string | undefined =>
  text === '' ? undefined : /^\d+$/.test(text) ? Number(text) : text
const asList = (text: string): number[] | undefined =>
  text.trim() === '' ? undefined : text.split(/[ ,]+/).filter(Boolean).map(Number)

export function Inspector({ client }: { client: Client }) {
  const lab = useDocument((s) => s.lab)
  const change = useDocument((s) => s.change)
  const { selectedNodes, selectedLinks } = useUi()
  const linkId = selectedLinks[0]
  const live = useLive((s) => (linkId ? s.links[liveLinkId(s, keyOfId(linkId), linkId)] : undefined))
  const [nics, setNics] = useState<string[]>([])
  useEffect(() => {
    client
      .call('hostInterfaces', {})
      .then((r) => setNics(r.interfaces.map((i) => i.name)))
      .catch(() => setNics([]))
  }, [client])
  if (linkId) {
    const index = linkIds(lab.links ?? []).indexOf(linkId)
    const link = lab.links?.[index]
    if (!link) return null
    const at = `links[${index}]`
    const set = (fields: Record<string, unknown>) => change((l) => updateLink(l, linkId, fields))
    return (
      <div className="inspector" data-inspector={linkId}>
        <h3>{linkId}</h3>
        {'guest' in link ? (
          <>
            <Field
              label="ifname"
              value={link.ifname ?? ''}
              path={`${at}.ifname`}
              onChange={(v) => set({ ifname: v })}
            />
            <Field
              label="ip (CIDR, list, or dhcp)"
              value={[link.ip ?? []].flat().join(' ')}
              path={`${at}.ip`}
              onChange={(v) => set({ ip: v.includes(' ') ? v.split(/\s+/) : v })}
            />
            <Field
              label="gateway"
              value={[link.gateway ?? []].flat().join(' ')}
              path={`${at}.gateway`}
              onChange={(v) => set({ gateway: v })}
            />
            <Field
              label="VLAN"
              value={String(link.vlan ?? '')}
              path={`${at}.vlan`}
              onChange={(v) => set({ vlan: asNumber(v) })}
            />
            <Field label="MAC" value={link.mac ?? ''} path={`${at}.mac`} onChange={(v) => set({ mac: v })} />
            <Field
              label="MTU"
              value={String(link.mtu ?? '')}
              path={`${at}.mtu`}
              onChange={(v) => set({ mtu: asNumber(v) })}
            />
          </>
        ) : (
          <>
            <Field
              label="trunk VLANs"
              value={(link.trunk ?? []).join(' ')}
              path={`${at}.trunk`}
              onChange={(v) => set({ trunk: asList(v) })}
            />
            <Field
              label="native VLAN"
              value={String(link.native ?? '')}
              path={`${at}.native`}
              onChange={(v) => set({ native: asNumber(v) })}
            />
            <Field
              label="access VLAN"
              value={String(link.vlan ?? '')}
              path={`${at}.vlan`}
              onChange={(v) => set({ vlan: asNumber(v) })}
            />
          </>
        )}
        <LinkExtras link={link} linkId={linkId} at={at} />
        {live && (
          <p className="live" data-live-state={live.state}>
            {live.state} {live.operState ?? ''} {(live.addresses ?? []).join(' ')} {live.reasons.join('; ')}
          </p>
        )}
      </div>
    )
  }
  const name = selectedNodes[0]
  const node = name ? lab.nodes[name] : undefined
  if (!name || !node)
    return (
      <div className="inspector empty">
        Select a node or a link. Drag from a node's lower dot to another node to link them.
      </div>
    )
  const set = (fields: Record<string, unknown>) => change((l) => updateNode(l, name, fields))
  return (
    <div className="inspector" data-inspector={name}>
      <h3>
        {name} <small>{node.kind}</small>
      </h3>
      <Field
        label="name (a container's name, a bridge's interface)"
        value={name}
        path={`nodes.${name}`}
        onChange={(v) => {
          change((l) => renameNode(l, name, v))
          useUi.getState().select([v], [])
        }}
      />
      <label className="field">
        <span>host</span>
        <select
          data-field={`nodes.${name}.host`}
          value={node.host ?? ''}
          onChange={(e) => set({ host: e.target.value })}
        >
          <option value="">this machine</option>
          {Object.keys(lab.hosts ?? {}).map((h) => (
            <option key={h} value={h}>
              {h} (simulated)
            </option>
          ))}
        </select>
      </label>
      {node.kind === 'container' && (
        <Field
          label="image (empty: an existing container)"
          value={node.image ?? ''}
          path={`nodes.${name}.image`}
          onChange={(v) => set({ image: v })}
        />
      )}
      {node.kind === 'container' && node.image !== undefined && (
        <Field
          label="command"
          value={(node.command ?? []).join(' ')}
          path={`nodes.${name}.command`}
          onChange={(v) => set({ command: v.trim() ? v.trim().split(/\s+/) : undefined })}
        />
      )}
      {node.kind === 'uplink' && (
        <>
          <Field
            label="host NIC"
            value={node.interface ?? ''}
            path={`nodes.${name}.interface`}
            list="host-nics"
            onChange={(v) => set({ interface: v })}
          />
          <datalist id="host-nics">
            {nics.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
        </>
      )}
      {(node.kind === 'linux-bridge' || node.kind === 'ovs-bridge') && (
        <Field
          label="host address"
          value={[node.ip ?? []].flat().join(' ')}
          path={`nodes.${name}.ip`}
          onChange={(v) => set({ ip: v })}
        />
      )}
      {(node.kind === 'linux-bridge' || node.kind === 'ovs-bridge') && (
        <BridgeTruth client={client} bridge={name} />
      )}
    </div>
  )
}
