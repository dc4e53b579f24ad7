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
