// A lab as a picture for slides and docs: SVG (svg.ts, drawn as the canvas draws it), Mermaid and
// Graphviz dot for text-based docs. Pure: the same lab gives the same bytes.
import { guestIfname } from '../lab/normalize.ts'
import { isGuestPair, type Lab, type LabLink } from '../lab/schema.ts'
import { linkColour } from './svg.ts'

export { labPicture, labSvg, laidOut } from './svg.ts'

const ends = (link: LabLink): [string, string] => ('guest' in link ? [link.guest, link.to] : link.between)

function linkLabel(lab: Lab, link: LabLink): string {
  if ('guest' in link) return [guestIfname(link), ...[link.ip ?? []].flat()].join(' ')
  if (isGuestPair(lab, link)) return link.ifnames ? link.ifnames.join(' ↔ ') : ''
  const vlans = [...(link.trunk ?? []), ...[link.native ?? []].flat(), ...(link.vlan ? [link.vlan] : [])]
  return vlans.length > 0 ? `VLAN ${vlans.join(',')}` : ''
}

/** Identifiers in Mermaid and dot: node names may hold `.` and `-`, so every one is quoted or mapped. */
const mermaidId = (name: string, index: number) => `n${index}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`

const SHAPES: Record<string, [string, string]> = {
  'ovs-bridge': ['[[', ']]'],
  'linux-bridge': ['[[', ']]'],
  container: ['(', ')'],
  netns: ['(', ')'],
  uplink: ['{{', '}}'],
}

export function labMermaid(lab: Lab): string {
  const ids = new Map(Object.keys(lab.nodes).map((n, i) => [n, mermaidId(n, i)]))
  const text = (s: string) => `"${s.replace(/"/g, '#quot;')}"`
  const lines = ['graph LR']
  for (const [name, node] of Object.entries(lab.nodes)) {
    const [open, close] = SHAPES[node.kind]!
    lines.push(`  ${ids.get(name)}${open}${text(`${name} (${node.kind})`)}${close}`)
  }
  const styles: string[] = []
  ;(lab.links ?? []).forEach((link) => {
    const [a, b] = ends(link)
    if (!ids.has(a) || !ids.has(b)) return
    const label = linkLabel(lab, link)
    lines.push(`  ${ids.get(a)} ---${label ? `|${text(label)}|` : ''} ${ids.get(b)}`)
    styles.push(`  linkStyle ${styles.length} stroke:${linkColour(link)},stroke-width:2px`)
  })
  return `${[...lines, ...styles].join('\n')}\n`
}

export function labDot(lab: Lab): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
  const lines = [`graph ${q(lab.name)} {`, '  node [fontname="sans-serif"];']
  for (const [name, node] of Object.entries(lab.nodes)) {
    const shape = node.kind.endsWith('bridge') ? 'box' : node.kind === 'uplink' ? 'hexagon' : 'ellipse'
    lines.push(`  ${q(name)} [label=${q(`${name}\n${node.kind}`)}, shape=${shape}];`)
  }
  for (const link of lab.links ?? []) {
    const [a, b] = ends(link)
    if (!(a in lab.nodes) || !(b in lab.nodes)) continue
    lines.push(`  ${q(a)} -- ${q(b)} [label=${q(linkLabel(lab, link))}, color=${q(linkColour(link))}];`)
  }
  lines.push('}')
  return `${lines.join('\n')}\n`
}
