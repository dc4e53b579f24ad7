// `patchbay pipework …`: pipework's command line, carried out by the engine. Every invocation is
// recorded as a link of one lab file (PATCHBAY_STATE_DIR/pipework.yaml), then that lab is applied,
// so a second identical call changes nothing and `status`/`destroy` of that file see every link.
// pipework's own bugs stay out: no half-made link on failure (rollback), no stale OVS port, names
// past 15 bytes cannot happen, running twice is harmless.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Document } from 'yaml'
import { checkLab } from '../../shared/lab/check.ts'
import { loadLab } from '../../shared/lab/load.ts'
import { formatProblem } from '../../shared/lab/problem.ts'
import { saveLab } from '../../shared/lab/save.ts'
import type { GuestLink, Lab, LabNode } from '../../shared/lab/schema.ts'
import { checkStateDir } from './apply/state-dir.ts'
import { PIPEWORK_LAB, pipeworkLabPath } from './apply/state-file.ts'
import type { Engine } from './engine.ts'

export { PIPEWORK_LAB, pipeworkLabPath }

/** The lab of every pipework call so far, with its document so saving keeps it tidy. */
export function readPipeworkLab(stateDir: string): { lab: Lab; document: Document | null } {
  const path = pipeworkLabPath(stateDir)
  if (!checkStateDir(stateDir, { create: false }) || !existsSync(path))
    return { lab: { patchbay: 1, name: PIPEWORK_LAB, nodes: {}, links: [] }, document: null }
  const loaded = loadLab(readFileSync(path, 'utf8'), path)
  if (!loaded.lab) throw new Error(`${path} is damaged:\n${loaded.problems.map(formatProblem).join('\n')}`)
  return { lab: loaded.lab, document: loaded.document }
}

/** What pipework would decide a host interface is, given what exists on the machine now. */
export async function hostInterfaceKind(
  engine: Engine,
  name: string,
): Promise<'ovs-bridge' | 'linux-bridge' | 'uplink'> {
  const ovs = await engine.run.run(['ovs-vsctl', '--timeout=5', 'br-exists', name], { allowFailure: true })
  if (ovs.exitCode === 0) return 'ovs-bridge'
  if (existsSync(`/sys/class/net/${name}/bridge`)) return 'linux-bridge'
  if (existsSync(`/sys/class/net/${name}`)) return 'uplink'
  // Absent: pipework creates `br*` as a Linux bridge and `ovs*` as an OVS bridge.
  if (name.startsWith('ovs')) return 'ovs-bridge'
  if (name.startsWith('br')) return 'linux-bridge'
  return 'uplink'
}

/** A guest is a Docker container, or else a named network namespace. */
export async function guestKind(engine: Engine, name: string): Promise<'container' | 'netns' | null> {
  if (await engine.containers.inspect(name)) return 'container'
  return existsSync(`/run/netns/${name}`) ? 'netns' : null
}

/**
 * The recorded lab without the guests that are gone from this machine (a container removed with
 * `docker rm`, a namespace deleted), and without their links: pipework made neither, so patchbay
 * must not recreate them, and one of them missing must not refuse every later call.
 */
export async function withoutGoneGuests(engine: Engine, lab: Lab): Promise<{ lab: Lab; gone: string[] }> {
  const guests = Object.entries(lab.nodes).filter(
    ([, node]) => node.kind === 'container' || node.kind === 'netns',
  )
  const kinds = await Promise.all(guests.map(([name]) => guestKind(engine, name)))
  const gone = guests.filter(([, node], i) => kinds[i] !== node.kind).map(([name]) => name)
  if (gone.length === 0) return { lab, gone }
  const keep = <T>(record: Record<string, T>) =>
    Object.fromEntries(Object.entries(record).filter(([name]) => !gone.includes(name)))
  const links = (lab.links ?? []).filter((l) => !('guest' in l && gone.includes(l.guest)))
  return {
    lab: { ...lab, nodes: keep(lab.nodes), links, ...(lab.layout ? { layout: keep(lab.layout) } : {}) },
    gone,
  }
}

/** Adds (or replaces, by guest and ifname) one link in the pipework lab; returns the new lab. */
export function withLink(lab: Lab, link: GuestLink, guest: LabNode, hostIf: LabNode): Lab {
  const ifname = link.ifname ?? 'eth1'
  const links = (lab.links ?? []).filter(
    (l) => !('guest' in l && l.guest === link.guest && (l.ifname ?? 'eth1') === ifname),
  )
  return {
    ...lab,
    nodes: {
      ...lab.nodes,
      [link.to]: lab.nodes[link.to] ?? hostIf,
      [link.guest]: lab.nodes[link.guest] ?? guest,
    },
    links: [...links, link],
  }
}

export function savePipeworkLab(stateDir: string, lab: Lab, document: Document | null): void {
  const checked = checkLab(lab)
  if (!checked.lab) throw new Error(checked.problems.map(formatProblem).join('\n'))
  checkStateDir(stateDir, { create: true })
  writeFileSync(pipeworkLabPath(stateDir), saveLab(checked.lab, document), { mode: 0o600 })
}

/**
 * pipework --wait: until `ifname` in this namespace is up with a carrier, not merely present
 * (pipework returned as soon as the name existed, before the link could carry anything).
 */
export async function waitForInterface(ifname: string, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const carrier = await readFile(`/sys/class/net/${ifname}/carrier`, 'utf8').catch(() => '')
    const state = await readFile(`/sys/class/net/${ifname}/operstate`, 'utf8').catch(() => '')
    if (carrier.trim() === '1' && state.trim() === 'up') return true
    await sleep(100)
  }
  return false
}
