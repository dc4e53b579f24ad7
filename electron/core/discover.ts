// `patchbay discover`: this machine as a lab. Every named netns and container is made a guest of a
// probe lab, the engine's own observation reads the machine for it (observe/observe.ts), and
// shared/discover turns what it read into a lab. Nothing is changed, marked or owned.

import { lstat } from 'node:fs/promises'
import { hostname } from 'node:os'
import { type Discovered, discoveredLab } from '../../shared/discover/discovered-lab.ts'
import { isLabName, nodeNameProblem } from '../../shared/lab/names.ts'
import { LOCAL_HOST } from '../../shared/lab/normalize.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { DOCKER_LAB_LABEL, OVS_LAB_KEY, parseMark } from '../../shared/plan/device-names.ts'
import type { ObservedHost } from '../../shared/plan/observed.ts'
import type { Engine } from './engine.ts'
import { listNetns } from './observe/observe.ts'

/** The lab's name when none is given: this machine's host name, as far as a lab name can say it. */
export function machineLabName(): string {
  const name = hostname()
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 32)
    .replace(/-+$/, '')
  return isLabName(name) ? name : 'this-machine'
}

export interface DiscoverRequest {
  readonly name: string
  readonly includeDockerNetworks: boolean
}

/** A container engine that can also name the bridges of its own networks (DockerApi). */
interface NetworkBridges {
  networkBridges(): Promise<string[]>
}
const hasNetworkBridges = (c: unknown): c is NetworkBridges =>
  typeof (c as Partial<NetworkBridges>).networkBridges === 'function'

export async function discoverMachine(engine: Engine, request: DiscoverRequest): Promise<Discovered> {
  const notes: string[] = []
  const nodes: Lab['nodes'] = {}
  const guest = (name: string, kind: 'netns' | 'container') => {
    const problem = nodeNameProblem(name)
    if (problem) notes.push(`${kind} ${JSON.stringify(name)} is left out: ${problem}`)
    else if (nodes[name]) notes.push(`container ${name} is left out: a netns has that name too`)
    else nodes[name] = { kind }
  }
  const [netns, containers, dockerBridges] = await Promise.all([
    listNetns(),
    engine.containers.list({}).catch((e: Error) => {
      notes.push(`containers are left out: Docker did not answer (${e.message})`)
      return []
    }),
    hasNetworkBridges(engine.containers)
      ? engine.containers.networkBridges().catch(() => ['docker0'])
      : Promise.resolve(['docker0']),
  ])
  const theirs = new Map<string, number>() // lab name -> its parts left out
  const labsPart = (lab: string) => theirs.set(lab, (theirs.get(lab) ?? 0) + 1)
  for (const name of netns) {
    // pipework names a container's namespace by its pid for a moment, as a link to /proc/PID/ns/net.
    const link = await lstat(`/run/netns/${name}`).then(
      (s) => s.isSymbolicLink(),
      () => false,
    )
    if (link)
      notes.push(
        `netns ${JSON.stringify(name)} is left out: a link to a process's namespace, not one of its own`,
      )
    else guest(name, 'netns')
  }
  for (const c of containers) {
    const lab = c.labels[DOCKER_LAB_LABEL]
    if (lab !== undefined) labsPart(lab)
    else guest(c.name, 'container')
  }
  const probe: Lab = { patchbay: 1, name: request.name, nodes, links: [] }
  const observed = await engine.observe(probe)
  const host = observed.hosts[LOCAL_HOST]
  if (!host) throw new Error('this machine could not be observed')
  const discovered = discoveredLab(withoutLabsParts(host, labsPart), {
    name: request.name,
    dockerBridges: new Set(dockerBridges),
    includeDockerNetworks: request.includeDockerNetworks,
  })
  for (const [lab, count] of [...theirs].sort())
    notes.push(
      `${count} part${count === 1 ? '' : 's'} of lab ${lab} left out: that lab manages them (its own file)`,
    )
  return { lab: discovered.lab, notes: [...notes, ...discovered.notes] }
}

/**
 * What a patchbay lab made (its marks) is that lab's, in its own file: left out, so the discovered
 * lab never names another lab's parts and applying it finds nothing of another lab to refuse.
 */
function withoutLabsParts(host: ObservedHost, labsPart: (lab: string) => void): ObservedHost {
  const marked = (alias: string | null) => {
    const mark = parseMark(alias)
    if (mark) labsPart(mark.lab)
    return mark !== null
  }
  const interfaces = host.interfaces.filter((i) => !marked(i.alias))
  const kept = new Set(interfaces.map((i) => i.name))
  const ovs = host.ovs && {
    bridges: host.ovs.bridges.filter((b) => {
      const lab = b.externalIds[OVS_LAB_KEY]
      if (lab !== undefined) labsPart(lab)
      return lab === undefined
    }),
    ports: host.ovs.ports.filter((p) => {
      const lab = p.externalIds[OVS_LAB_KEY]
      if (lab !== undefined) labsPart(lab)
      return lab === undefined
    }),
  }
  const guests = Object.fromEntries(
    Object.entries(host.guests)
      .filter(([, g]) => !marked(g.interfaces.find((i) => i.name === 'lo')?.alias ?? null))
      .map(([name, g]) => [name, { ...g, interfaces: g.interfaces.filter((i) => !marked(i.alias)) }]),
  )
  return {
    ...host,
    interfaces,
    ovs: ovs && {
      ...ovs,
      ports: ovs.ports.filter((p) => kept.has(p.name) || !host.interfaces.some((i) => i.name === p.name)),
    },
    guests,
  }
}
