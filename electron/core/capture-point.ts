// Where `capture` watches a link: one of the link's ports from the port locator (port-locator.ts),
// the one whose frames say the most. A guest link: the host end of its veth (the bridge's port; the
// guest's frames as it sends them); a macvlan or a moved NIC has no host end, so the guest's own
// interface. A wire: its first end, where OVS (userspace datapath) and a VLAN-filtering Linux
// bridge send trunked frames with their 802.1Q tag in the frame; a tunnel: its vxlan device (the
// inner frames, tags included); a NIC enslaved to a bridge: that NIC.
import { linkIds } from '../../shared/lab/normalize.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { type LabPort, locatePorts, type PortRole } from './port-locator.ts'

export type CapturePointResult = { ok: true; point: LabPort; why: string } | { ok: false; message: string }

/** The roles a link's capture point may have, best first. */
const PREFERRED: readonly PortRole[] = ['bridge-port', 'tunnel', 'wire-end', 'cable', 'uplink', 'guest']

const WHY: Record<PortRole, string> = {
  'bridge-port': "the host end of the guest's veth, on its bridge",
  guest: "the guest's own interface (a macvlan or moved NIC has no host end)",
  'wire-end': 'the wire end on the first bridge (trunked frames keep their 802.1Q tags there)',
  tunnel: 'the vxlan device on the first end (the inner frames, with their VLAN tags)',
  cable: "the first simulated host's NIC of the cable",
  uplink: 'the host NIC that is the bridge port',
  bridge: "the bridge's own interface",
}

export function capturePoint(lab: Lab, linkId: string): CapturePointResult {
  const ids = linkIds(lab.links ?? [])
  if (!ids.includes(linkId)) {
    const known = ids.length > 0 ? `; its links are ${ids.join(', ')}` : '; it has no links'
    return { ok: false, message: `lab ${lab.name} has no link ${JSON.stringify(linkId)}${known}` }
  }
  const ports = locatePorts(lab).filter((p) => p.linkId === linkId)
  for (const role of PREFERRED) {
    const port = ports.find((p) => p.role === role)
    if (port) return { ok: true, point: port, why: WHY[role] }
  }
  return { ok: false, message: `link ${linkId} has no device to capture on` }
}
