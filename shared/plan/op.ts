// An operation is data first: shown in a plan, logged, batched with its neighbours, undone, exported.
import type { GuestNetns } from './observed.ts'

/** Where an `ip` line runs: the host's own namespace, a named netns, or a container by its pid. */
export type IpTarget =
  /** The host's own namespace: the machine's, or a simulated host's netns. */
  | { readonly kind: 'host'; readonly netns?: string }
  | { readonly kind: 'netns'; readonly name: string }
  /** A container's namespace; its pid is looked up when the op runs (it may not exist at plan time). */
  | { readonly kind: 'container'; readonly name: string }

/** How an op runs. ip lines for one target become one `ip -batch`; OVS clauses one transaction. */
export type OpExec =
  | { readonly tool: 'ip'; readonly target: IpTarget; readonly line: readonly string[] }
  /** One clause of an ovs-vsctl transaction, against the host's OVS (`db`: a simulated host's socket). */
  | { readonly tool: 'ovs-vsctl'; readonly db?: string; readonly clause: readonly string[] }
  /** Linux bridge VLAN membership (`bridge vlan …`), always in the host's namespace. */
  | { readonly tool: 'bridge'; readonly netns?: string; readonly line: readonly string[] }
  /** A command of its own (starting a simulated host's OVS): run in order with its host's other commands. */
  | { readonly tool: 'cmd'; readonly argv: readonly string[] }
  | { readonly tool: 'docker'; readonly call: DockerCall }

export type DockerCall =
  | {
      readonly kind: 'create'
      readonly name: string
      readonly image: string
      readonly command: readonly string[]
      readonly labels: Readonly<Record<string, string>>
    }
  | { readonly kind: 'start'; readonly name: string }
  | { readonly kind: 'remove'; readonly name: string }

export type OpAction =
  | 'host.create'
  | 'host.delete'
  | 'netns.create'
  | 'netns.delete'
  | 'container.create'
  | 'container.start'
  | 'container.remove'
  | 'bridge.create'
  | 'bridge.configure'
  | 'bridge.delete'
  | 'ovs.bridge.create'
  | 'ovs.bridge.delete'
  | 'veth.create'
  | 'vxlan.create'
  | 'macvlan.create'
  | 'vlan.create'
  | 'veth.configure'
  | 'veth.delete'
  | 'bridge.vlan'
  | 'ovs.port.add'
  | 'ovs.port.set'
  | 'ovs.port.delete'
  | 'guest.configure'
  | 'dhcp.start'
  | 'dhcp.release'
  | 'address.add'
  | 'address.delete'
  | 'qdisc.set'
  | 'qdisc.delete'
  | 'link.down'

/** What an op does to the machine: makes something, changes something there, or takes it away. */
export type OpEffect = 'create' | 'change' | 'remove'

/** The effect of each action: one table, so an op's effect never disagrees with its action. */
export const ACTION_EFFECT: Readonly<Record<OpAction, OpEffect>> = {
  'host.create': 'create',
  'host.delete': 'remove',
  'netns.create': 'create',
  'netns.delete': 'remove',
  'container.create': 'create',
  'container.start': 'create',
  'container.remove': 'remove',
  'bridge.create': 'create',
  'bridge.configure': 'change',
  'bridge.delete': 'remove',
  'ovs.bridge.create': 'create',
  'ovs.bridge.delete': 'remove',
  'veth.create': 'create',
  'vxlan.create': 'create',
  'macvlan.create': 'create',
  'vlan.create': 'create',
  'veth.configure': 'change',
  'veth.delete': 'remove',
  'bridge.vlan': 'change',
  'ovs.port.add': 'create',
  'ovs.port.set': 'change',
  'ovs.port.delete': 'remove',
  'guest.configure': 'change',
  'dhcp.start': 'create',
  'dhcp.release': 'remove',
  'address.add': 'create',
  'address.delete': 'remove',
  'qdisc.set': 'change',
  'qdisc.delete': 'change',
  'link.down': 'change',
}

/**
 * The state `patchbay status` reports for a link while this op of it is still to run, were it the
 * only one: `missing` (the op makes the link's own device), `down` (it only sets a device up),
 * `drifted` (anything else the link lacks). A link's state is the worst its ops imply.
 */
export type LinkImplied = 'missing' | 'drifted' | 'down'

/** Ops run phase by phase; inside a phase, different targets run in parallel. */
export const Phase = {
  /** A DHCP client releases its lease while its interface is still there. */
  releaseLeases: 0,
  /** Links go before the bridges and guests they hang on, so nothing vanishes under a command. */
  removeLinks: 1,
  removeNodes: 2,
  removeHosts: 3,
  hosts: 4,
  guests: 5,
  /** The same step as guests: neither needs the other, so both are made side by side. */
  bridges: 5,
  cables: 7,
  ports: 8,
  configure: 9,
  /** VXLAN devices need their underlay NIC up and addressed first. */
  tunnels: 10,
  tunnelPorts: 11,
  /** DHCP clients start once every link they may talk through is up. */
  leases: 12,
  /** A link the lab says is `state: down` goes down last, after everything that brings devices up. */
  adminDown: 13,
} as const
export type Phase = (typeof Phase)[keyof typeof Phase]

export interface Op {
  readonly id: string
  readonly host: string
  readonly phase: Phase
  readonly action: OpAction
  readonly effect: OpEffect
  readonly exec: OpExec
  /** How to undo it, when undoing needs more than undoing the op that created its object. */
  readonly inverse: OpExec | null
  /** The one pipework line this op (with its link's other ops) stands for. */
  readonly pipework: string | null
  /** Why the plan wants it, in a sentence. */
  readonly why: string
  readonly linkId?: string
  /** Set on the ops of a link (those with a linkId). */
  readonly implies?: LinkImplied
  readonly node?: string
}

/** The command line an exec stands for, as a user would type it. A container's pid reads `{pid:name}`. */
export function execArgv(exec: OpExec): string[] {
  switch (exec.tool) {
    case 'ip':
      return [...ipPrefix(exec.target), ...exec.line]
    case 'ovs-vsctl':
      return [...ovsPrefix(exec.db), ...exec.clause]
    case 'bridge':
      return [...(exec.netns ? ['bridge', '-n', exec.netns] : ['bridge']), ...exec.line]
    case 'cmd':
      return [...exec.argv]
    case 'docker': {
      const call = exec.call
      if (call.kind === 'create') {
        const labels = Object.entries(call.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`])
        return [
          'docker',
          'run',
          '-d',
          '--name',
          call.name,
          '--hostname',
          call.name,
          '--network',
          'none',
          '--sysctl',
          'net.ipv6.conf.all.disable_ipv6=0',
          ...labels,
          call.image,
          ...call.command,
        ]
      }
      return call.kind === 'start' ? ['docker', 'start', call.name] : ['docker', 'rm', '-f', call.name]
    }
  }
}

export const pidPlaceholder = (container: string): string => `{pid:${container}}`

/** What the ops of one link share: their id's stem (`<action>:<stem><suffix>`), host, link and node. */
export interface LinkOpBase {
  readonly stem: string
  readonly host: string
  readonly linkId: string
  readonly node?: string
  /** The pipework line an op of this action stands for, if any. */
  readonly pipework?: (action: OpAction) => string | null
}

/** One op of a link, before the link's shared fields are added. */
export interface LinkOpFields {
  readonly action: OpAction
  readonly phase: Phase
  readonly exec: OpExec
  /** How to undo it, when undoing needs more than undoing the op that created its object. */
  readonly inverse: OpExec | null
  /** Why the plan wants it, in a sentence. */
  readonly why: string
  readonly implies: LinkImplied
  /** Ends the id when the link has several ops of one action (`:up`, `:mark`, `:10.0.0.1/24`). */
  readonly suffix?: string
}

/** Makes the ops of one link. */
export const linkOps =
  (base: LinkOpBase) =>
  (fields: LinkOpFields): Op => ({
    id: `${fields.action}:${base.stem}${fields.suffix ?? ''}`,
    host: base.host,
    phase: fields.phase,
    action: fields.action,
    effect: ACTION_EFFECT[fields.action],
    exec: fields.exec,
    inverse: fields.inverse,
    pipework: base.pipework?.(fields.action) ?? null,
    why: fields.why,
    linkId: base.linkId,
    implies: fields.implies,
    ...(base.node !== undefined ? { node: base.node } : {}),
  })

export const ovsPrefix = (db: string | undefined): string[] =>
  db ? ['ovs-vsctl', `--db=unix:${db}`] : ['ovs-vsctl']

export function ipPrefix(target: IpTarget): string[] {
  switch (target.kind) {
    case 'host':
      return target.netns ? ['ip', '-n', target.netns] : ['ip']
    case 'netns':
      return ['ip', '-n', target.name]
    case 'container':
      return ['nsenter', '-t', pidPlaceholder(target.name), '-n', 'ip']
  }
}

/** Where a guest's `ip` lines run; `container` is the Docker name (device-names.ts containerName). */
export const ipTargetOf = (
  netns: GuestNetns | null,
  node: string,
  kind: 'container' | 'netns',
  container: string,
): IpTarget =>
  kind === 'container'
    ? { kind: 'container', name: container }
    : { kind: 'netns', name: netns?.kind === 'netns' ? netns.name : node }

export const targetKey = (target: IpTarget): string =>
  target.kind === 'host' ? `host:${target.netns ?? ''}` : `${target.kind}:${target.name}`
