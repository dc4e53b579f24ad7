// `ip -j` output into the observed model. Only the fields patchbay reads are declared; ip adds more
// with every release, and those pass through unread.
import { z } from 'zod'
import type { ObservedInterface, ObservedRoute } from '../../../shared/plan/observed.ts'

const AddrInfo = z.looseObject({
  family: z.string(),
  local: z.string().optional(),
  prefixlen: z.number().optional(),
  scope: z.string().optional(),
})

const IpLink = z.looseObject({
  ifindex: z.number(),
  ifname: z.string(),
  link_index: z.number().optional(),
  /** A veth whose peer is in the same namespace names it here instead of giving link_index. */
  link: z.string().nullable().optional(),
  link_netnsid: z.number().optional(),
  flags: z.array(z.string()).default([]),
  promiscuity: z.number().optional(),
  mtu: z.number().default(0),
  operstate: z.string().default('UNKNOWN'),
  address: z.string().default(''),
  master: z.string().optional(),
  ifalias: z.string().optional(),
  linkinfo: z
    .looseObject({
      info_kind: z.string().optional(),
      info_data: z.looseObject({ vlan_filtering: z.number().optional() }).optional(),
    })
    .optional(),
  addr_info: z.array(AddrInfo).default([]),
  stats64: z
    .looseObject({ rx: z.looseObject({ bytes: z.number() }), tx: z.looseObject({ bytes: z.number() }) })
    .optional(),
})

const IpRoute = z.looseObject({ dst: z.string(), gateway: z.string().optional(), dev: z.string().optional() })

/**
 * `ip -j` escapes quotes, backslashes, tabs and newlines in names and aliases, but prints every
 * other control character raw, which JSON forbids: a guest that sets an alias like `a\x01b` would make
 * the whole reply unparsable. Outside strings ip prints no whitespace but the newline after each
 * document, so every raw control character of that kind is inside a string and is escaped here, losslessly.
 */
export function parseIpJson(text: string): unknown {
  const escaped = text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
  return JSON.parse(escaped.trim() || '[]')
}

export function parseInterfaces(json: string): ObservedInterface[] {
  const links = z.array(IpLink).parse(parseIpJson(json))
  const byName = new Map(links.map((l) => [l.ifname, l.ifindex]))
  return links.map((l) => {
    const kind = l.linkinfo?.info_kind ?? null
    // Peer in this namespace: ip gives its name (`link`), not its index; the name is looked up here.
    const sameNamespacePeer =
      kind === 'veth' && l.link_index === undefined && l.link_netnsid === undefined && l.link
        ? (byName.get(l.link) ?? null)
        : null
    return {
      ifindex: l.ifindex,
      name: l.ifname,
      kind,
      alias: l.ifalias ?? null,
      adminUp: l.flags.includes('UP'),
      promisc: (l.promiscuity ?? 0) > 0,
      operState: l.operstate,
      lowerUp: l.flags.includes('LOWER_UP'),
      mtu: l.mtu,
      mac: l.address,
      master: l.master ?? null,
      peerIfindex: kind === 'veth' ? (l.link_index ?? sameNamespacePeer) : null,
      ...(kind === 'veth' && l.link_netnsid !== undefined ? { peerNetnsId: l.link_netnsid } : {}),
      ...(kind === 'macvlan' || kind === 'vlan' ? { parentIfindex: l.link_index ?? null } : {}),
      addresses: l.addr_info
        .filter((a) => a.scope === 'global' && a.local !== undefined && a.prefixlen !== undefined)
        .map((a) => `${a.local}/${a.prefixlen}`),
      ...(kind === 'bridge' ? { vlanFiltering: l.linkinfo?.info_data?.vlan_filtering === 1 } : {}),
      ...(l.stats64 ? { rxBytes: l.stats64.rx.bytes, txBytes: l.stats64.tx.bytes } : {}),
    }
  })
}

export function parseDefaultRoutes(json: string, family: 4 | 6): ObservedRoute[] {
  const routes = z.array(IpRoute).parse(parseIpJson(json))
  return routes
    .filter((r) => r.dst === 'default' && r.gateway !== undefined && r.dev !== undefined)
    .map((r) => ({ gateway: r.gateway!, dev: r.dev!, family }))
}

/** `ip -j -batch` prints one JSON document per command line, each on its own line. */
export const splitBatchJson = (stdout: string): string[] =>
  stdout.split('\n').filter((line) => line.trim() !== '')
