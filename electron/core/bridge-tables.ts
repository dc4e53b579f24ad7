// Kernel truth per bridge of an applied lab: the MAC addresses it learned (Linux `bridge fdb`, OVS
// `ovs-appctl fdb/show`, against a simulated host's own OVS where the bridge lives there) and each
// port's VLAN membership as the kernel and OVS hold it. Everything read back is hostile: every
// line is matched whole against a strict grammar and bounded; what does not match is dropped.
import { z } from 'zod'
import type { BridgeTable, BridgeTablesReply } from '../../shared/api/contract.ts'
import { nodeHost } from '../../shared/lab/normalize.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import type { HostPlace } from '../../shared/plan/context.ts'
import type { ObservedHost } from '../../shared/plan/observed.ts'
import { printable } from '../../shared/plan/shell-words.ts'
import type { Engine } from './engine.ts'
import type { Runner } from './exec/runner.ts'
import { locatePorts } from './port-locator.ts'

/** A bridge learns at most a few thousand addresses in a lab; more is not a lab's table. */
const MAX_ENTRIES = 4096
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/
const VLAN = z.number().int().min(0).max(4095)

export async function bridgeTables(engine: Engine, lab: Lab): Promise<BridgeTablesReply> {
  const observed = await engine.observe(lab)
  const places = engine.places(lab)
  const ports = locatePorts(lab, observed)
  const bridges: BridgeTable[] = []
  for (const [name, node] of Object.entries(lab.nodes)) {
    if (node.kind !== 'ovs-bridge' && node.kind !== 'linux-bridge') continue
    const host = nodeHost(node)
    const seen = observed.hosts[host]
    const place = places[host] ?? { netns: null, ovsDb: null, ovsDir: null }
    const labPort = (device: string) => {
      const p = ports.find((x) => x.host === host && x.device === device && x.role !== 'guest')
      return { node: p?.node ?? null, port: p?.port ?? null }
    }
    const base = { bridge: name, host, kind: node.kind }
    const table =
      node.kind === 'ovs-bridge'
        ? await ovsTable(engine.run, name, seen, place, labPort)
        : await linuxTable(engine.run, name, seen, place, labPort)
    bridges.push({ ...base, ...table })
  }
  return { lab: lab.name, bridges }
}

type LabPortOf = (device: string) => { node: string | null; port: string | null }
type TableBody = Omit<BridgeTable, 'bridge' | 'host' | 'kind'>

const absent = (why: string): TableBody => ({
  present: false,
  fdb: [],
  ports: [],
  vlanFiltering: null,
  note: why,
})

async function ovsTable(
  run: Runner,
  bridge: string,
  seen: ObservedHost | undefined,
  place: HostPlace,
  labPort: LabPortOf,
): Promise<TableBody> {
  if (!seen?.ovs?.bridges.some((b) => b.name === bridge)) return absent(`${bridge} is not on the machine`)
  const own = seen.ovs.ports.filter((p) => p.bridge === bridge)
  const db = place.ovsDb ? [`--db=unix:${place.ovsDb}`] : []
  const target = place.ovsDir ? ['-t', `${place.ovsDir}/sw.ctl`] : []
  const [fdb, ofports] = await Promise.all([
    run.run(['ovs-appctl', ...target, 'fdb/show', bridge], { allowFailure: true }),
    run.run(['ovs-vsctl', ...db, '--format=json', '--columns=name,ofport', 'list', 'Interface'], {
      allowFailure: true,
    }),
  ])
  // OpenFlow port numbers are per bridge: only this bridge's ports are mapped.
  const names = new Set(own.map((p) => p.name))
  const byOfport = new Map<string, string>()
  for (const [name, ofport] of parseOfports(ofports.stdout))
    if (names.has(name)) byOfport.set(String(ofport), name)
  byOfport.set('LOCAL', bridge)
  return {
    present: true,
    fdb:
      fdb.exitCode === 0
        ? parseOvsFdb(fdb.stdout).map((e) => {
            const device = byOfport.get(e.port) ?? null
            return {
              mac: e.mac,
              vlan: e.vlan,
              device,
              ...(device ? labPort(device) : { node: null, port: null }),
              ageSeconds: e.age,
              local: e.port === 'LOCAL',
            }
          })
        : [],
    ports: own.map((p) => ({
      device: p.name,
      ...labPort(p.name),
      tag: p.tag,
      trunks: [...p.trunks],
      vlanMode: p.vlanMode,
      vlans: null,
    })),
    vlanFiltering: null,
    note: fdb.exitCode === 0 ? null : `ovs-appctl fdb/show ${bridge} failed: ${oneLine(fdb.stderr)}`,
  }
}

async function linuxTable(
  run: Runner,
  bridge: string,
  seen: ObservedHost | undefined,
  place: HostPlace,
  labPort: LabPortOf,
): Promise<TableBody> {
  const device = seen?.interfaces.find((i) => i.name === bridge && i.kind === 'bridge')
  if (!seen || !device) return absent(`${bridge} is not on the machine`)
  const ns = place.netns ? ['-n', place.netns] : []
  const members = seen.interfaces.filter((i) => i.master === bridge)
  const filtering = device.vlanFiltering === true
  const [fdb, vlans] = await Promise.all([
    run.run(['bridge', ...ns, '-j', 'fdb', 'show', 'br', bridge], { allowFailure: true }),
    filtering ? run.run(['bridge', ...ns, '-j', 'vlan', 'show'], { allowFailure: true }) : null,
  ])
  const membership = vlans?.exitCode === 0 ? parseBridgeVlans(vlans.stdout) : new Map()
  const note = filtering
    ? null
    : seen.capabilities.bridgeVlanFiltering
      ? `VLAN filtering is off on ${bridge}: every port carries every frame as it is`
      : `this kernel has no VLAN filtering for Linux bridges: every port of ${bridge} carries every frame as it is`
  return {
    present: true,
    fdb:
      fdb.exitCode === 0
        ? parseLinuxFdb(fdb.stdout, bridge).map((e) => ({
            ...e,
            ...labPort(e.device),
            ageSeconds: null,
          }))
        : [],
    ports: members.map((m) => ({
      device: m.name,
      ...labPort(m.name),
      tag: null,
      trunks: [],
      vlanMode: null,
      vlans: filtering ? (membership.get(m.name) ?? []) : null,
    })),
    vlanFiltering: filtering,
    note: fdb.exitCode === 0 ? note : `bridge fdb show br ${bridge} failed: ${oneLine(fdb.stderr)}`,
  }
}

/** A tool's error in one printable line. */
const oneLine = (text: string) => printable(text.trim().replace(/\s+/g, ' ')).slice(0, 300)

/** `ovs-appctl fdb/show`: ` port  VLAN  MAC  Age` rows; the port is an OpenFlow number or LOCAL. */
export function parseOvsFdb(text: string): { port: string; vlan: number; mac: string; age: number | null }[] {
  const out: { port: string; vlan: number; mac: string; age: number | null }[] = []
  for (const line of text.slice(0, MAX_ENTRIES * 64).split('\n')) {
    if (out.length >= MAX_ENTRIES) break
    const m = /^\s*(\d{1,5}|LOCAL)\s+(\d{1,4})\s+([0-9a-f:]{17})\s+(\d{1,9}|\?)\s*$/.exec(line)
    if (!m || !MAC.test(m[3]!) || Number(m[2]) > 4095) continue
    out.push({ port: m[1]!, vlan: Number(m[2]), mac: m[3]!, age: m[4] === '?' ? null : Number(m[4]) })
  }
  return out
}

const OfportTable = z.object({
  headings: z.tuple([z.literal('name'), z.literal('ofport')]),
  data: z
    .array(
      z.tuple([z.string().max(64), z.union([z.number().int(), z.tuple([z.string(), z.array(z.unknown())])])]),
    )
    .max(65536),
})

/** `ovs-vsctl --format=json --columns=name,ofport list Interface`: name → OpenFlow port. */
export function parseOfports(text: string): [string, number][] {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return []
  }
  const table = OfportTable.safeParse(json)
  if (!table.success) return []
  return table.data.data.flatMap(([name, ofport]) => (typeof ofport === 'number' ? [[name, ofport]] : []))
}

const LinuxFdb = z
  .array(
    z.looseObject({
      mac: z.string().regex(MAC),
      ifname: z.string().max(64),
      vlan: VLAN.optional(),
      master: z.string().max(64).optional(),
      state: z.string().max(32).optional(),
      flags: z.array(z.string().max(32)).max(16).optional(),
    }),
  )
  .max(MAX_ENTRIES * 4)

/** `bridge -j fdb show br X`: the bridge's learned entries (and its ports' own, as local). */
export function parseLinuxFdb(
  text: string,
  bridge: string,
): { mac: string; vlan: number | null; device: string; local: boolean }[] {
  let json: unknown
  try {
    json = JSON.parse(text || '[]')
  } catch {
    return []
  }
  const parsed = LinuxFdb.safeParse(json)
  if (!parsed.success) return []
  // Entries the bridge forwards by; a device's own multicast (`self`) entries are not the bridge's.
  return parsed.data
    .filter((e) => e.master === bridge && !(e.flags ?? []).includes('self'))
    .slice(0, MAX_ENTRIES)
    .map((e) => ({ mac: e.mac, vlan: e.vlan ?? null, device: e.ifname, local: e.state === 'permanent' }))
}

const LinuxVlans = z
  .array(
    z.looseObject({
      ifname: z.string().max(64),
      vlans: z
        .array(
          z.looseObject({
            vlan: VLAN,
            vlanEnd: VLAN.optional(),
            flags: z.array(z.string().max(32)).max(8).optional(),
          }),
        )
        .max(4096),
    }),
  )
  .max(4096)

/** `bridge -j vlan show`: per device, its VLANs, which is the PVID and which leave untagged. */
export function parseBridgeVlans(
  text: string,
): Map<string, { vlan: number; pvid: boolean; untagged: boolean }[]> {
  const out = new Map<string, { vlan: number; pvid: boolean; untagged: boolean }[]>()
  let json: unknown
  try {
    json = JSON.parse(text || '[]')
  } catch {
    return out
  }
  const parsed = LinuxVlans.safeParse(json)
  if (!parsed.success) return out
  for (const dev of parsed.data) {
    const list: { vlan: number; pvid: boolean; untagged: boolean }[] = []
    for (const v of dev.vlans) {
      const flags = v.flags ?? []
      for (let id = v.vlan; id <= (v.vlanEnd ?? v.vlan) && list.length < 4096; id++)
        list.push({ vlan: id, pvid: flags.includes('PVID'), untagged: flags.includes('Egress Untagged') })
    }
    out.set(dev.ifname, list)
  }
  return out
}
