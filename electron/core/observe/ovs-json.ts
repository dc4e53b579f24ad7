// ovs-vsctl's JSON table format: OVSDB values are tagged arrays (["set", …], ["map", …], ["uuid", …]).
import { z } from 'zod'
import type { ObservedOvs, ObservedOvsPort } from '../../../shared/plan/observed.ts'

const Table = z.object({ headings: z.array(z.string()), data: z.array(z.array(z.unknown())) })

type Row = Record<string, unknown>

function rows(json: string): Row[] {
  const table = Table.parse(JSON.parse(json))
  return table.data.map((values) => Object.fromEntries(table.headings.map((h, i) => [h, values[i]])))
}

const atoms = (value: unknown): unknown[] => {
  if (Array.isArray(value) && value[0] === 'set') return (value[1] as unknown[]).map(atom)
  return [atom(value)]
}
const atom = (value: unknown): unknown => (Array.isArray(value) && value[0] === 'uuid' ? value[1] : value)
const map = (value: unknown): Record<string, string> =>
  Array.isArray(value) && value[0] === 'map' ? Object.fromEntries(value[1] as [string, string][]) : {}
const optionalNumber = (value: unknown): number | null => {
  const [first] = atoms(value)
  return typeof first === 'number' ? first : null
}
const optionalString = (value: unknown): string | null => {
  const [first] = atoms(value)
  return typeof first === 'string' ? first : null
}

/** The output of `list bridge` and `list port` (see observe.ts for the columns asked). */
export function parseOvs(bridgeJson: string, portJson: string): ObservedOvs {
  const bridgeOfPort = new Map<string, string>()
  const bridges = rows(bridgeJson).map((row) => {
    const name = String(row.name)
    for (const uuid of atoms(row.ports)) bridgeOfPort.set(String(uuid), name)
    return { name, datapathType: String(row.datapath_type ?? ''), externalIds: map(row.external_ids) }
  })
  const ports: ObservedOvsPort[] = rows(portJson).map((row) => ({
    name: String(row.name),
    bridge: bridgeOfPort.get(String(atom(row._uuid))) ?? '',
    tag: optionalNumber(row.tag),
    trunks: atoms(row.trunks).filter((t): t is number => typeof t === 'number'),
    vlanMode: optionalString(row.vlan_mode),
    externalIds: map(row.external_ids),
  }))
  return { bridges, ports }
}
