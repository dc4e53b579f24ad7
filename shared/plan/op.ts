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
} as const
export type Phase = (typeof Phase)[keyof typeof Phase]

export interface Op {
  readonly id: string
  readonly host: string
  readonly phase: Phase
  readonly action: OpAction
  readonly exec: OpExec
  /** How to undo it, when undoing needs more than undoing the op that created its object. */
  readonly inverse: OpExec | null
  /** The one pipework line this op (with its link's other ops) stands for. */
  readonly pipework: string | null
  /** Why the plan wants it, in a sentence. */
  readonly why: string
  readonly linkId?: string
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

/** Makes the ops of one link, each from its action, phase, commands and reason. */
export const linkOps =
  (base: LinkOpBase) =>
  (action: OpAction, phase: Phase, exec: OpExec, inverse: OpExec | null, why: string, suffix = ''): Op => ({
    id: `${action}:${base.stem}${suffix}`,
    host: base.host,
    phase,
    action,
    exec,
    inverse,
    pipework: base.pipework?.(action) ?? null,
    why,
    linkId: base.linkId,
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
