// Generated labs for benchmarks: many guests on many OVS bridges with VLANs, bridges chained.
import type { Lab } from '../../shared/lab/schema.ts'

/** `bridges` OVS bridges in a chain of trunks, `guests` netns guests spread over them on 10 VLANs. */
export function bigLab(bridges: number, guests: number, name = 'bench'): Lab {
  const nodes: Lab['nodes'] = {}
  const links: NonNullable<Lab['links']> = []
  const layout: NonNullable<Lab['layout']> = {}
  for (let b = 0; b < bridges; b++) {
    nodes[`s${b}`] = { kind: 'ovs-bridge' }
    layout[`s${b}`] = { x: (b % 20) * 400, y: Math.floor(b / 20) * 900 }
    if (b > 0)
      links.push({ between: [`s${b - 1}`, `s${b}`], trunk: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] })
  }
  for (let g = 0; g < guests; g++) {
    const b = g % bridges
    nodes[`g${g}`] = { kind: 'netns' }
    layout[`g${g}`] = {
      x: (b % 20) * 400 + (Math.floor(g / bridges) % 4) * 90,
      y: Math.floor(b / 20) * 900 + 200 + Math.floor(g / bridges / 4) * 90,
    }
    links.push({
      guest: `g${g}`,
      to: `s${b}`,
      ip: `10.${Math.floor(g / 250)}.${g % 250}.${1 + (g % 200)}/16`,
      vlan: 10 * (1 + (g % 10)),
    })
  }
  return { patchbay: 1, name, nodes, links, layout }
}

/**
 * The speed bench's lab: `n` guests on one OVS bridge, on 10 VLANs with a /24 each. Netns guests
 * are the lab's own; container guests must exist already (the lab only wires them), as pipework's do.
 */
export function oneBridgeLab(prefix: string, n: number, kind: 'netns' | 'container'): Lab {
  const bridge = `${prefix}-s`
  const nodes: Lab['nodes'] = { [bridge]: { kind: 'ovs-bridge' } }
  const links: NonNullable<Lab['links']> = []
  for (let i = 0; i < n; i++) {
    const guest = guestName(prefix, kind, i)
    nodes[guest] = { kind }
    links.push({ guest, to: bridge, ip: benchAddress(i), vlan: benchVlan(i) })
  }
  return { patchbay: 1, name: `${prefix}-${kind === 'netns' ? 'n' : 'c'}${n}`, nodes, links }
}

export const guestName = (prefix: string, kind: 'netns' | 'container', i: number) =>
  `${prefix}-${kind === 'netns' ? 'g' : 'c'}${i}`
export const benchVlan = (i: number) => 10 * (1 + (i % 10))
export const benchAddress = (i: number) => `10.${benchVlan(i)}.0.${1 + Math.floor(i / 10)}/24`
