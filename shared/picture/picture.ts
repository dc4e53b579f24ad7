// A lab as a picture for slides and docs: SVG from the lab's own positions (the canvas palette for
// VLANs, trunk chips, a halo per broadcast domain), Mermaid and Graphviz dot for text-based docs.
// Pure: the same lab gives the same bytes.
import { broadcastDomains } from '../l2/domains.ts'
import { guestIfname, linkIds } from '../lab/normalize.ts'
import { isGuestPair, type Lab, type LabLink } from '../lab/schema.ts'
import { TRUNK_COLOUR, UNTAGGED_COLOUR, vlanColour } from './vlan-colour.ts'

const NODE_W = 140
const NODE_H = 44

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const ends = (link: LabLink): [string, string] => ('guest' in link ? [link.guest, link.to] : link.between)

function linkColour(lab: Lab, link: LabLink): string {
  if (link.vlan !== undefined) return vlanColour(link.vlan).css
  if ('between' in link && !isGuestPair(lab, link)) return TRUNK_COLOUR
  return UNTAGGED_COLOUR.css
}

function linkLabel(lab: Lab, link: LabLink): string {
  if ('guest' in link) return [guestIfname(link), ...[link.ip ?? []].flat()].join(' ')
  if (isGuestPair(lab, link)) return link.ifnames ? link.ifnames.join(' ↔ ') : ''
  const vlans = [...(link.trunk ?? []), ...[link.native ?? []].flat(), ...(link.vlan ? [link.vlan] : [])]
  return vlans.length > 0 ? `VLAN ${vlans.join(',')}` : ''
}

/** Where each node sits: the lab's layout, else a plain grid. */
function positions(lab: Lab): Map<string, { x: number; y: number }> {
  const out = new Map<string, { x: number; y: number }>()
  Object.keys(lab.nodes).forEach((name, i) => {
    out.set(name, lab.layout?.[name] ?? { x: 40 + (i % 5) * 200, y: 40 + Math.floor(i / 5) * 140 })
  })
  return out
}

export function labSvg(lab: Lab): string {
  const at = positions(lab)
  const xs = [...at.values()].map((p) => p.x)
  const ys = [...at.values()].map((p) => p.y)
  const minX = Math.min(0, ...xs) - 40
  const minY = Math.min(0, ...ys) - 40
  const width = Math.max(...xs, 0) - minX + NODE_W + 80
  const height = Math.max(...ys, 0) - minY + NODE_H + 80
  const centre = (n: string) => {
    const p = at.get(n)!
    return { x: p.x + NODE_W / 2, y: p.y + NODE_H / 2 }
  }
  const parts: string[] = []
  // The domain overlay: a soft halo behind the guests of each broadcast domain.
  for (const domain of broadcastDomains(lab).domains) {
    const colour = domain.vlan !== null ? vlanColour(domain.vlan).css : UNTAGGED_COLOUR.css
    const guests = [...new Set(domain.members.map((m) => m.slice(0, m.lastIndexOf(':'))))].filter((g) =>
      at.has(g),
    )
    for (const g of guests) {
      const p = at.get(g)!
      parts.push(
        `<rect class="domain" data-domain="${xml(domain.id)}" x="${p.x - 8}" y="${p.y - 8}" width="${NODE_W + 16}" height="${NODE_H + 16}" rx="14" fill="${colour}" fill-opacity="0.18"/>`,
      )
    }
  }
  const ids = linkIds(lab.links ?? [])
  ;(lab.links ?? []).forEach((link, i) => {
    const [a, b] = ends(link)
    if (!at.has(a) || !at.has(b)) return
    const p = centre(a)
    const q = centre(b)
    const colour = linkColour(lab, link)
    const trunk = 'between' in link && !isGuestPair(lab, link) && link.vlan === undefined
    parts.push(
      `<line class="link" data-link="${xml(ids[i]!)}" x1="${p.x}" y1="${p.y}" x2="${q.x}" y2="${q.y}" stroke="${colour}" stroke-width="${trunk ? 4 : 2}"/>`,
    )
    const label = linkLabel(lab, link)
    if (label) {
      parts.push(
        `<text x="${(p.x + q.x) / 2}" y="${(p.y + q.y) / 2 - 4}" font-size="11" text-anchor="middle" fill="#333">${xml(label)}</text>`,
      )
    }
    // Trunk chips: one per VLAN the wire carries, in its colour.
    if ('between' in link && link.trunk) {
      link.trunk.forEach((v, k) => {
        const c = vlanColour(v)
        const x = (p.x + q.x) / 2 + (k - link.trunk!.length / 2) * 34
        const y = (p.y + q.y) / 2 + 6
        parts.push(
          `<g class="chip"><rect x="${x}" y="${y}" width="32" height="16" rx="8" fill="${c.css}"/><text x="${x + 16}" y="${y + 12}" font-size="10" text-anchor="middle" fill="${c.ink}">${v}</text></g>`,
        )
      })
    }
  })
  for (const [name, node] of Object.entries(lab.nodes)) {
    const p = at.get(name)!
    parts.push(
      `<g class="node" data-node="${xml(name)}"><rect x="${p.x}" y="${p.y}" width="${NODE_W}" height="${NODE_H}" rx="6" fill="#ffffff" stroke="#555"/>` +
        `<text x="${p.x + NODE_W / 2}" y="${p.y + 19}" font-size="13" font-weight="bold" text-anchor="middle">${xml(name)}</text>` +
        `<text x="${p.x + NODE_W / 2}" y="${p.y + 35}" font-size="10" text-anchor="middle" fill="#666">${node.kind}</text></g>`,
    )
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${minX} ${minY} ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif">\n` +
    `<title>${xml(lab.name)}</title>\n${parts.join('\n')}\n</svg>\n`
  )
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
    styles.push(`  linkStyle ${styles.length} stroke:${linkColour(lab, link)},stroke-width:2px`)
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
    lines.push(`  ${q(a)} -- ${q(b)} [label=${q(linkLabel(lab, link))}, color=${q(linkColour(lab, link))}];`)
  }
  lines.push('}')
  return `${lines.join('\n')}\n`
}
