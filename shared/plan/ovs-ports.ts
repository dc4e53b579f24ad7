// OVS port settings: what a lab's port on an Open vSwitch bridge says (tag, trunks, vlan_mode, the
// lab's marks), how it is added, how a drifted one is put back, and how a stale record goes.
import type { WireLink } from '../lab/schema.ts'
import { ovsExec, type PlanContext } from './context.ts'
import { OVS_LAB_KEY, OVS_LINK_KEY, OVS_PROMISC_KEY } from './device-names.ts'
import type { ObservedOvsPort } from './observed.ts'
import { ACTION_EFFECT, type Op, Phase } from './op.ts'

/** The VLAN settings of one OVS port. */
export interface OvsPortSettings {
  readonly tag: number | null
  readonly trunks: readonly number[]
  readonly vlanMode: string | null
}

/** An access port of `vlan`, or a port carrying everything untagged when there is none. */
export const accessPort = (vlan: number | undefined): OvsPortSettings => ({
  tag: vlan ?? null,
  trunks: [],
  vlanMode: null,
})

/** What the OVS port at one end (0 or 1) of a wire should say. */
export function ovsEndSettings(wire: WireLink, index: 0 | 1): OvsPortSettings {
  if (wire.vlan !== undefined) return accessPort(wire.vlan)
  const native = Array.isArray(wire.native) ? wire.native[index] : (wire.native ?? null)
  const trunks = [...(wire.trunk ?? [])].sort((x, y) => x - y)
  if (native !== null) return { tag: native, trunks, vlanMode: 'native-untagged' }
  return { tag: null, trunks, vlanMode: null }
}

/** The settings as `ovs-vsctl` column words: `tag=10 trunks=10,20 vlan_mode=native-untagged`. */
export const settingsWords = (s: OvsPortSettings): string[] => [
  ...(s.tag !== null ? [`tag=${s.tag}`] : []),
  ...(s.trunks.length > 0 ? [`trunks=${s.trunks.join(',')}`] : []),
  ...(s.vlanMode ? [`vlan_mode=${s.vlanMode}`] : []),
]

/** The settings in words, for an op's reason. */
export function describeSettings(s: OvsPortSettings): string {
  if (s.vlanMode === 'native-untagged')
    return `trunk of ${s.trunks.length ? s.trunks.join(',') : 'every VLAN'}, native VLAN ${s.tag}`
  if (s.tag !== null) return `access port of VLAN ${s.tag}`
  return s.trunks.length ? `trunk of VLANs ${s.trunks.join(',')}` : 'trunk of every VLAN'
}

export interface AddPort {
  readonly ctx: PlanContext
  readonly bridge: string
  readonly port: string
  readonly settings: OvsPortSettings
  readonly linkId: string
  /** The lab made this NIC promiscuous: destroy turns that off again (removals.ts). */
  readonly madePromisc?: boolean
}

/** The one transaction that adds a port with its settings and the lab's marks, and its inverse. */
export function addPortExecs({ ctx, bridge, port, settings, linkId, madePromisc }: AddPort) {
  return {
    exec: ovsExec(ctx, [
      '--may-exist',
      'add-port',
      bridge,
      port,
      ...settingsWords(settings),
      '--',
      'set',
      'port',
      port,
      `external_ids:${OVS_LAB_KEY}=${ctx.lab.name}`,
      `external_ids:${OVS_LINK_KEY}=${linkId}`,
      ...(madePromisc ? [`external_ids:${OVS_PROMISC_KEY}=1`] : []),
    ]),
    inverse: ovsExec(ctx, ['--if-exists', 'del-port', bridge, port]),
  }
}

/** The clauses that turn `have` into `want` (one transaction: set what differs, clear what should be empty). */
export function settingsFix(have: ObservedOvsPort, want: OvsPortSettings, port: string): string[] {
  const clauses: string[][] = []
  if (have.tag !== want.tag)
    clauses.push(
      want.tag === null ? ['clear', 'port', port, 'tag'] : ['set', 'port', port, `tag=${want.tag}`],
    )
  const trunks = [...have.trunks].sort((x, y) => x - y)
  if (trunks.join(',') !== want.trunks.join(',')) {
    clauses.push(
      want.trunks.length === 0
        ? ['clear', 'port', port, 'trunks']
        : ['set', 'port', port, `trunks=${want.trunks.join(',')}`],
    )
  }
  if ((have.vlanMode ?? null) !== want.vlanMode) {
    clauses.push(
      want.vlanMode === null
        ? ['clear', 'port', port, 'vlan_mode']
        : ['set', 'port', port, `vlan_mode=${want.vlanMode}`],
    )
  }
  return clauses.flatMap((c, i) => (i === 0 ? c : ['--', ...c]))
}

/**
 * The OVS record of a port whose device vanished (its guest restarted, its cable was cut) is
 * deleted in a transaction of its own before the port is added again: replaced within one
 * transaction, the userspace datapath keeps reading the old, gone device.
 */
export function staleOvsPort(ctx: PlanContext, bridge: string, port: string, linkId: string): Op {
  return {
    id: `ovs.port.delete:${ctx.host}:${port}`,
    host: ctx.host,
    phase: Phase.removeLinks,
    action: 'ovs.port.delete',
    effect: ACTION_EFFECT['ovs.port.delete'],
    exec: ovsExec(ctx, ['--if-exists', 'del-port', bridge, port]),
    inverse: null,
    pipework: null,
    why: `the OVS port ${port} outlived its device; it is made again with the device`,
    linkId,
    implies: 'drifted',
  }
}

/** Every record of `port` on this host: a stale one goes first (see staleOvsPort). */
export function stalePortOps(ctx: PlanContext, port: string, linkId: string): Op[] {
  const seen = ctx.observed.ovs?.ports.find((p) => p.name === port)
  return seen ? [staleOvsPort(ctx, seen.bridge, port, linkId)] : []
}
