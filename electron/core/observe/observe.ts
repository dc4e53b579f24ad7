// Reads the machine into the observed model: the host's interfaces, OVS, and for every guest of the
// lab its namespace's interfaces and default routes. Reads run in parallel; nothing is changed.
import { readdir, readlink, stat } from 'node:fs/promises'
import { gateways, LOCAL_HOST, nodeHost } from '../../../shared/lab/normalize.ts'
import type { GuestLink, Lab } from '../../../shared/lab/schema.ts'
import { type HostPlace, LOCAL_PLACE } from '../../../shared/plan/context.ts'
import {
  containerName,
  DOCKER_LAB_LABEL,
  DOCKER_NODE_LABEL,
  nodeMark,
} from '../../../shared/plan/device-names.ts'
import type {
  GuestNetns,
  Observed,
  ObservedGuest,
  ObservedHost,
  ObservedOvs,
} from '../../../shared/plan/observed.ts'
import { ovsPrefix } from '../../../shared/plan/op.ts'
import type { ObservedQdisc } from '../../../shared/plan/qdisc.ts'
import type { ContainerRuntime, ContainerState } from '../drivers/container-runtime.ts'
import { batchMessage } from '../exec/ip-batch.ts'
import { isTemporaryNetns, runInNamespaces } from '../exec/many-netns.ts'
import { checkSameProcess, type ObservedPid, processStartTime } from '../exec/pid-check.ts'
import type { Runner } from '../exec/runner.ts'
import { hostCapabilities } from './capabilities.ts'
import { observeDhcpClients } from './dhcp-clients.ts'
import { parseDefaultRoutes, parseInterfaces, splitBatchJson } from './ip-json.ts'
import { parseOvs } from './ovs-json.ts'
import { parseRootQdiscs } from './tc-json.ts'

export interface ObserveDeps {
  readonly run: Runner
  readonly containers: ContainerRuntime
  /** Netns guests an earlier apply of this lab made and the lab may no longer name. */
  readonly knownNetns?: readonly string[]
  /** Where each simulated host of the lab lives. */
  readonly places?: Readonly<Record<string, HostPlace>>
  /** Where this lab's DHCP clients keep their pid and lease files. */
  readonly dhcpDir?: string
  /** Where the host's capabilities are kept between processes (capabilities.ts). */
  readonly capabilitiesFile?: string
  /** This process is that machine of a lab spread over machines: only it is observed, here. */
  readonly here?: string
}

export async function observeLab(lab: Lab, deps: ObserveDeps): Promise<Observed> {
  const [netns, dhcpClients, docker] = await Promise.all([
    listNetns(),
    deps.dhcpDir ? observeDhcpClients(deps.dhcpDir) : [],
    listLabContainers(deps.containers, lab.name),
  ])
  const hosts: Record<string, ObservedHost> = {}
  const observedHosts = deps.here !== undefined ? [deps.here] : [LOCAL_HOST, ...Object.keys(lab.hosts ?? {})]
  await Promise.all(
    observedHosts.map(async (host) => {
      const place = host === LOCAL_HOST || host === deps.here ? LOCAL_PLACE : deps.places?.[host]
      if (place) hosts[host] = { ...(await observeHost(lab, host, place, netns, docker, deps)), dhcpClients }
    }),
  )
  return { hosts }
}

/** The lab's containers as Docker lists them, or why Docker could not be asked (then no list). */
type DockerView =
  | { readonly unavailable: null; readonly labContainers: Awaited<ReturnType<ContainerRuntime['list']>> }
  | { readonly unavailable: string; readonly labContainers: readonly [] }

/** Docker being down is an ordinary state of a machine: the rest of the lab is still read. */
async function listLabContainers(containers: ContainerRuntime, labName: string): Promise<DockerView> {
  try {
    return { unavailable: null, labContainers: await containers.list({ [DOCKER_LAB_LABEL]: labName }) }
  } catch (e) {
    return { unavailable: (e as Error).message, labContainers: [] }
  }
}

/** A container's state, null when there is none, or why it could not be asked for. */
async function inspectContainer(
  containers: ContainerRuntime,
  name: string,
  docker: DockerView,
): Promise<ContainerState | null | { readonly unreadable: string }> {
  if (docker.unavailable !== null) return { unreadable: docker.unavailable }
  try {
    return await containers.inspect(name)
  } catch (e) {
    return { unreadable: (e as Error).message }
  }
}

async function observeHost(
  lab: Lab,
  host: string,
  place: HostPlace,
  netns: string[],
  docker: DockerView,
  deps: ObserveDeps,
): Promise<Omit<ObservedHost, 'dhcpClients'>> {
  const local = host === LOCAL_HOST || host === deps.here
  const guestNodes = Object.entries(lab.nodes).filter(
    ([, n]) => nodeHost(n) === host && (n.kind === 'container' || n.kind === 'netns'),
  )
  const netnsNames = new Set([
    ...guestNodes.filter(([, n]) => n.kind === 'netns').map(([name]) => name),
    // Netns the lab made earlier and no longer names: looked at from the machine itself.
    ...(local ? (deps.knownNetns ?? []).filter((name) => !(name in lab.nodes)) : []),
  ])
  // A simulated host that does not exist yet has nothing to read.
  const exists = local || (place.netns !== null && netns.includes(place.netns))
  const ipPrefix = place.netns ? ['ip', '-n', place.netns] : ['ip']
  const tcPrefix = place.netns ? ['tc', '-n', place.netns] : ['tc']
  const [links, qdiscs, ovs, capabilities] = await Promise.all([
    exists
      ? deps.run.run([...ipPrefix, '-j', '-d', 'addr', 'show']).then((r) => parseInterfaces(r.stdout))
      : Promise.resolve([]),
    exists
      ? deps.run
          .run([...tcPrefix, '-j', 'qdisc', 'show'], { allowFailure: true })
          .then((r) => parseRootQdiscs(r.stdout))
      : Promise.resolve(new Map<string, ObservedQdisc>()),
    // A simulated host's OVS answers on its socket even if its netns is gone: destroy must find it.
    exists || place.ovsDb ? observeOvs(deps.run, place.ovsDb) : Promise.resolve(null),
    hostCapabilities(deps.run, deps.capabilitiesFile),
  ])
  const interfaces = links.map((i) => ({ ...i, qdisc: qdiscs.get(i.name) ?? null }))
  const labContainers = local ? docker.labContainers : []
  const lo = interfaces.find((i) => i.name === 'lo')
  const guests: Record<string, ObservedGuest> = {}
  const v6 = ipv6Gateways(lab)
  const containerNodes = guestNodes.filter(([, n]) => n.kind === 'container').map(([name]) => name)
  const dockerNames = new Map(
    containerNodes.map((name) => [name, containerName(lab.name, name, lab.nodes[name])]),
  )
  const looks = new Map(
    await Promise.all(
      [...dockerNames.values()].map(
        async (name) => [name, await inspectContainer(deps.containers, name, docker)] as const,
      ),
    ),
  )
  const states = new Map(
    [...looks].flatMap(([name, look]) => (look === null || 'id' in look ? [[name, look] as const] : [])),
  )
  // Read right after Docker named the pid: every later use of it checks it is still that process.
  const started = new Map(
    [...states].map(([name, state]) => [name, state?.running ? processStartTime(state.pid) : null] as const),
  )
  // Every guest namespace read in one go; a guest with an IPv6 gateway needs a second read of its own.
  const toRead = [
    ...[...netnsNames].filter((name) => netns.includes(name)).map((name) => ({ node: name, ns: { name } })),
    ...containerNodes.flatMap((node) => {
      const name = dockerNames.get(node)!
      const state = states.get(name)
      return state?.running && state.pid > 0
        ? [{ node, ns: { pid: state.pid, started: started.get(name) ?? null } }]
        : []
    }),
  ].filter((g) => !v6.has(g.node))
  const read = await runInNamespaces(
    deps.run,
    toRead.map((g) => ({
      ns: g.ns,
      lines: [
        ['addr', 'show'],
        ['route', 'show', 'default'],
      ],
    })),
    { ipOptions: ['-s', '-j', '-d'] },
  )
  const inside = new Map(
    toRead.flatMap((g, i) => {
      const out = read.outputs[i]
      return out
        ? [[g.node, guestRead(g.node, () => parseGuestRead(out[0] ?? '[]', out[1] ?? '[]', null))] as const]
        : []
    }),
  )
  await Promise.all([
    ...[...netnsNames].map(async (name) => {
      guests[name] = await observeNetnsGuest(
        deps.run,
        lab.name,
        name,
        netns.includes(name),
        v6.has(name),
        inside.get(name),
      )
    }),
    ...containerNodes.map(async (name) => {
      const container = dockerNames.get(name)!
      const look = looks.get(container) ?? null
      guests[name] =
        look !== null && 'unreadable' in look
          ? unreadableGuest(name, 'container', null, look.unreadable, container)
          : await observeContainerGuest(
              deps,
              lab.name,
              name,
              container,
              look,
              started.get(container) ?? null,
              v6.has(name),
              inside.get(name),
            )
    }),
  ])
  return {
    present: local || (exists && lo?.alias === nodeMark(lab.name, `host:${host}`)),
    interfaces,
    ovs,
    netns,
    guests,
    labContainers: labContainers.map((c) => ({
      name: c.name,
      node: c.labels[DOCKER_NODE_LABEL] ?? c.name,
      running: true,
    })),
    capabilities,
  }
}

export async function listNetns(): Promise<string[]> {
  try {
    return (await readdir('/run/netns')).filter((name) => !isTemporaryNetns(name))
  } catch {
    return [] // no namespace was ever named on this machine
  }
}

async function observeOvs(run: Runner, db: string | null): Promise<ObservedOvs | null> {
  const result = await run.run(
    [
      ...ovsPrefix(db ?? undefined),
      '--timeout=5',
      '-f',
      'json',
      '--',
      '--columns=name,datapath_type,external_ids,ports',
      'list',
      'bridge',
      '--',
      '--columns=_uuid,name,tag,trunks,vlan_mode,external_ids',
      'list',
      'port',
    ],
    { allowFailure: true },
  )
  if (result.exitCode !== 0) return null // no OVS here; plan says so for any OVS bridge
  const [bridges, ports] = splitBatchJson(result.stdout)
  return parseOvs(bridges ?? '{"headings":[],"data":[]}', ports ?? '{"headings":[],"data":[]}')
}

type GuestRead = { interfaces: ObservedGuest['interfaces']; routes: ObservedGuest['routes'] }
/** What could not be read from a guest's namespace, in one sentence naming it. */
type Unreadable = { readonly unreadable: string }

/**
 * A guest writes its own interface names and aliases: a reply that still does not parse makes that
 * one namespace unreadable, said with its name, and the others are read as usual.
 */
function guestRead(node: string, parse: () => GuestRead): GuestRead | Unreadable {
  try {
    return parse()
  } catch (e) {
    const why = e instanceof SyntaxError ? e.message : 'it does not have the expected form'
    return { unreadable: `the network namespace of ${node} could not be read: ${why}` }
  }
}

function unreadableGuest(
  node: string,
  kind: ObservedGuest['kind'],
  netns: GuestNetns | null,
  why: string,
  container?: string,
): ObservedGuest {
  return {
    node,
    kind,
    // Whether it exists is not known: nothing is created, started or removed for it.
    exists: netns !== null,
    running: netns !== null,
    owned: false,
    netns,
    ...(container ? { container } : {}),
    interfaces: [],
    routes: [],
    unreadable: why,
  }
}

/** Interfaces and default routes inside a guest's namespace, in one `ip -batch`. */
async function readGuestNetns(
  run: Runner,
  node: string,
  prefix: string[],
  ipv6Routes: boolean,
): Promise<GuestRead | Unreadable> {
  const result = await run.run([...prefix, '-s', '-j', '-d', '-batch', '-'], {
    input: 'addr show\nroute show default\n',
    allowFailure: true,
  })
  // Its name is there but ip cannot enter it (a file that is not a namespace, a process that ended):
  // said, not taken for a namespace without interfaces, which apply would try to fill.
  if (result.exitCode !== 0)
    return {
      unreadable: `the network namespace of ${node} could not be read: ${batchMessage(result.stderr)}`,
    }
  const [addrs, routes] = splitBatchJson(result.stdout)
  // A batch line cannot say -6, so IPv6 routes cost a second read, only for guests with an IPv6 gateway.
  const v6 = ipv6Routes
    ? await run.run([...prefix, '-6', '-j', 'route', 'show', 'default'], { allowFailure: true })
    : null
  return guestRead(node, () =>
    parseGuestRead(addrs ?? '[]', routes ?? '[]', v6?.exitCode === 0 ? v6.stdout : null),
  )
}

/** readGuestNetns through nsenter, once the pid is known to be still the container's process. */
async function readContainerNetns(
  run: Runner,
  node: string,
  process: ObservedPid,
  ipv6Routes: boolean,
): Promise<GuestRead | Unreadable> {
  try {
    checkSameProcess(process)
  } catch (e) {
    return { unreadable: `the network namespace of ${node} could not be read: ${(e as Error).message}` }
  }
  return readGuestNetns(run, node, ['nsenter', '-t', String(process.pid), '-n', 'ip'], ipv6Routes)
}

const parseGuestRead = (addrs: string, routes: string, v6Routes: string | null): GuestRead => ({
  interfaces: parseInterfaces(addrs),
  routes: [...parseDefaultRoutes(routes, 4), ...(v6Routes !== null ? parseDefaultRoutes(v6Routes, 6) : [])],
})

/** Guests whose links name an IPv6 gateway. */
const ipv6Gateways = (lab: Lab): Set<string> =>
  new Set(
    (lab.links ?? [])
      .filter((l): l is GuestLink => 'guest' in l && gateways(l).some((g) => g.includes(':')))
      .map((l) => l.guest),
  )

async function observeNetnsGuest(
  run: Runner,
  labName: string,
  name: string,
  exists: boolean,
  ipv6Routes: boolean,
  alreadyRead: GuestRead | Unreadable | undefined,
): Promise<ObservedGuest> {
  const netns: GuestNetns = { kind: 'netns', name }
  const inside = exists
    ? (alreadyRead ?? (await readGuestNetns(run, name, ['ip', '-n', name], ipv6Routes)))
    : null
  if (inside && 'unreadable' in inside) return unreadableGuest(name, 'netns', netns, inside.unreadable)
  const lo = inside?.interfaces.find((i) => i.name === 'lo')
  // The name's file is the namespace itself: its inode is the kernel's number for it.
  const inode = exists
    ? await stat(`/run/netns/${name}`)
        .then((s) => s.ino)
        .catch(() => null)
    : null
  return {
    node: name,
    kind: 'netns',
    exists,
    running: exists,
    owned: lo?.alias === nodeMark(labName, name),
    netns: exists ? netns : null,
    ...(inode !== null ? { netnsId: `net:[${inode}]` } : {}),
    interfaces: inside?.interfaces ?? [],
    routes: inside?.routes ?? [],
  }
}

async function observeContainerGuest(
  deps: ObserveDeps,
  labName: string,
  name: string,
  docker: string,
  state: ContainerState | null,
  started: string | null,
  ipv6Routes: boolean,
  alreadyRead: GuestRead | Unreadable | undefined,
): Promise<ObservedGuest> {
  const running = state?.running === true && state.pid > 0
  const netns: GuestNetns | null = running ? { kind: 'pid', pid: state.pid, started } : null
  const inside = running
    ? (alreadyRead ?? (await readContainerNetns(deps.run, name, { pid: state.pid, started }, ipv6Routes)))
    : null
  if (inside && 'unreadable' in inside)
    return unreadableGuest(name, 'container', netns, inside.unreadable, docker)
  const netnsId = running ? await readlink(`/proc/${state.pid}/ns/net`).catch(() => null) : null
  return {
    node: name,
    kind: 'container',
    container: docker,
    exists: state !== null,
    running,
    owned: state?.labels[DOCKER_LAB_LABEL] === labName,
    netns,
    ...(netnsId ? { netnsId } : {}),
    interfaces: inside?.interfaces ?? [],
    routes: inside?.routes ?? [],
  }
}
