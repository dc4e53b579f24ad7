// How each port of a bridge maps the frames on its wire to the bridge's own VLANs. Every bridge kind
// reduces to this, so broadcast domains are computed the same way for OVS, Linux bridges with and
// without VLAN filtering, and the outside network behind an uplink NIC.

/** A frame on a wire: 0 = untagged, otherwise its 802.1Q tag. */
export type WireLabel = number
/** A bridge's VLAN a frame lands in; 0 = the untagged (no VLAN) space of a bridge that has one. */
export type InternalVlan = number

export type PortMode =
  /** Untagged frames belong to `vlan`; tagged ones are dropped. */
  | { readonly kind: 'access'; readonly vlan: number }
  /** Tagged frames in `allowed` pass as themselves; untagged ones go to `native` (dropped if null). */
  | { readonly kind: 'trunk'; readonly allowed: ReadonlySet<number> | 'all'; readonly native: number | null }
  /** No VLAN awareness: every frame keeps its tag (a Linux bridge without filtering, a NIC's LAN). */
  | { readonly kind: 'transparent' }

export function internalVlan(mode: PortMode, label: WireLabel): InternalVlan | null {
  switch (mode.kind) {
    case 'transparent':
      return label
    case 'access':
      return label === 0 ? mode.vlan : null
    case 'trunk':
      if (label === 0) return mode.native ?? (mode.allowed === 'all' ? 0 : null)
      if (label === mode.native) return label
      return mode.allowed === 'all' || mode.allowed.has(label) ? label : null
  }
}

/** The labels worth trying on a wire whose ends are `a` and `b`, given every VLAN the lab mentions. */
export function labelsToTry(a: PortMode, b: PortMode, labVlans: ReadonlySet<number>): Iterable<WireLabel> {
  const bounded = [a, b].find((m) => m.kind === 'trunk' && m.allowed !== 'all') as
    | { allowed: ReadonlySet<number>; native: number | null }
    | undefined
  if (bounded) return [0, ...bounded.allowed, ...(bounded.native ? [bounded.native] : [])]
  return [0, ...labVlans]
}
