// The lab as an SVG picture for slides and docs, drawn the way the canvas draws it: node cards at
// the lab's positions (or where the editor's auto-layout puts them, `laidOut`), every simulated
// host and machine a labelled frame around its nodes, each link in its VLAN's colour with its
// interface name and address at the guest end and its VLAN chip at the bridge end (placed by the
// canvas's own geometry, so labels clear nodes and each other), trunks thick and dark with the
// VLANs they carry as chips, a halo per broadcast domain, and a legend. Pure: same lab, same bytes.
import { broadcastDomains } from '../l2/domains.ts'
import { linkIds } from '../lab/normalize.ts'
import { isGuestPair, type Lab, type LabLink, type NodeKind } from '../lab/schema.ts'
import { sshTarget } from '../lab/ssh.ts'
import { autoLayout, FRAME_PAD } from '../layout/auto-layout.ts'
import {
  type Box,
  CHIP_HEIGHT,
  chipWidth,
  type LinkGeometry,
  labelLines,
  labelSize,
  labNodeSizes,
  linkGeometry,
  linkShapes,
  nodeDetail,
  textWidth,
  waitingSpot,
} from '../layout/geometry.ts'
import { chip, FONT, fitted, n, textEl, xml } from './draw.ts'
import { ICONS, KIND_NAME, NODE_STYLE } from './icons.ts'
import { legend } from './legend.ts'
import { TRUNK_COLOUR, UNTAGGED_COLOUR, vlanColour } from './vlan-colour.ts'

/** The lab with a position for every node: its own, the others laid out as the editor lays them out on open. */
export async function laidOut(lab: Lab): Promise<Lab> {
  const placed = new Set(Object.keys(lab.nodes).filter((name) => lab.layout?.[name]))
  if (placed.size === Object.keys(lab.nodes).length) return lab
  return autoLayout(lab, { keep: placed })
}

/** A label's line pitch: geometry.ts's labelHeight. */
const LINE = 15
const EMPTY_FRAME = { width: 260, height: 160 }
const HOST_TITLE_HEIGHT = 18

interface Frame {
  readonly name: string
  readonly machine: string | undefined
  readonly box: Box
}

/** Each host's frame: the box around its nodes with the canvas's padding (an empty host where it was put). */
function hostFrames(lab: Lab, boxes: ReadonlyMap<string, Box>): Frame[] {
  const frames: Frame[] = []
  const empty: string[] = []
  for (const [name, host] of Object.entries(lab.hosts ?? {})) {
    const members = Object.entries(lab.nodes)
      .filter(([, node]) => node.host === name)
      .map(([node]) => boxes.get(node)!)
    const machine = sshTarget(host.ssh)
    if (members.length === 0) {
      const at = lab.layout?.[name]
      if (at) frames.push({ name, machine, box: { ...at, ...EMPTY_FRAME } })
      else empty.push(name)
      continue
    }
    const x = Math.min(...members.map((b) => b.x)) - FRAME_PAD.side
    const y = Math.min(...members.map((b) => b.y)) - FRAME_PAD.top
    const right = Math.max(...members.map((b) => b.x + b.width)) + FRAME_PAD.side
    const bottom = Math.max(...members.map((b) => b.y + b.height)) + FRAME_PAD.bottom
    frames.push({ name, machine, box: { x, y, width: right - x, height: bottom - y } })
  }
  // Empty hosts without a place: in a row to the right of everything else.
  const all = [...frames.map((f) => f.box), ...boxes.values()]
  let x = all.length ? Math.max(...all.map((b) => b.x + b.width)) + 32 : 0
  const y = all.length ? Math.min(...all.map((b) => b.y)) : 0
  for (const name of empty) {
    frames.push({ name, machine: sshTarget(lab.hosts?.[name]?.ssh), box: { x, y, ...EMPTY_FRAME } })
    x += EMPTY_FRAME.width + 32
  }
  return frames
}

/** The frame's title row: kept clear of link labels like a node. */
const titleBox = (f: Frame): Box => ({
  x: f.box.x + 6,
  y: f.box.y + 5,
  width: f.box.width - 12,
  height: HOST_TITLE_HEIGHT + 4,
})

function drawFrame(f: Frame): string {
  const { x, y, width, height } = f.box
  const kind = f.machine === undefined ? 'simulated' : 'machine'
  const name = fitted(f.name, width - 40, FONT.host, true)
  const said = f.machine === undefined ? 'simulated host' : `machine ${f.machine}`
  // One text, the kind after the name as a second span: the renderer puts it after the bold name.
  const room = width - 40 - (name.length + 1) * FONT.host * 0.7
  // (measured at the name's size: the kind's own is smaller, so it errs on the short side)
  const kindText = room > 30 ? fitted(said, room, FONT.host) : ''
  return (
    `<g class="host-frame" data-host="${xml(f.name)}" data-host-kind="${kind}">` +
    `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" rx="12" fill="#eceff8" fill-opacity="0.55" stroke="#a9aec4" stroke-width="1.5"/>` +
    `<g transform="translate(${n(x + 10)} ${n(y + 7)}) scale(0.625)" fill="#dfe3f0" stroke="#3d4360" stroke-width="1.6" stroke-linejoin="round">${ICONS.host}</g>` +
    `<text x="${n(x + 30)}" y="${n(y + 8 + FONT.host)}" font-size="${FONT.host}" fill="#3d4360">` +
    `<tspan font-weight="bold">${xml(name)}</tspan>` +
    (kindText ? `<tspan font-size="${FONT.hostKind}" fill="#7a8099"> ${xml(kindText)}</tspan>` : '') +
    '</text></g>'
  )
}

function drawNode(name: string, kind: NodeKind, detail: string, box: Box): string {
  const style = NODE_STYLE[kind]
  const { x, y, width, height } = box
  const room = width - 44
  const line2 = detail || KIND_NAME[kind]
  return (
    `<g class="node" data-node="${xml(name)}" data-kind="${kind}">` +
    `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" rx="8" fill="${style.fill}" stroke="${style.stroke}" stroke-width="${style.strokeWidth}"/>` +
    `<g transform="translate(${n(x + 9)} ${n(y + height / 2 - 10)}) scale(0.8333)" fill="${style.iconFill}" stroke="${style.icon}" stroke-width="1.6" stroke-linejoin="round">${ICONS[kind]}</g>` +
    textEl(
      x + 36,
      y + height / 2 - 3,
      FONT.name,
      fitted(name, room, FONT.name, true),
      ' font-weight="bold" fill="#1d2130"',
    ) +
    textEl(x + 36, y + height / 2 + 12, FONT.detail, fitted(line2, room, FONT.detail), ' fill="#6b7085"') +
    '</g>'
  )
}

const isTrunk = (link: LabLink) =>
  'between' in link && link.vlan === undefined && (link.trunk ?? []).length > 0

export function linkColour(link: LabLink): string {
  if (link.vlan !== undefined) return vlanColour(link.vlan).css
  return isTrunk(link) ? TRUNK_COLOUR : UNTAGGED_COLOUR.css
}

/** A link's label box: white, with (for a wire) its chips on the left and its text lines. */
function drawLabel(lab: Lab, link: LabLink, id: string, at: { x: number; y: number }): string {
  const pair = isGuestPair(lab, link)
  const size = labelSize(link, pair)
  const lines = labelLines(link, pair)
  const chips =
    'between' in link
      ? [
          ...(link.trunk ?? []).map((v) => [v, false] as const),
          ...[...new Set([link.native ?? []].flat())].map((v) => [v, true] as const),
          ...(link.vlan !== undefined ? [[link.vlan, false] as const] : []),
        ]
      : []
  if (lines.length === 0 && chips.length === 0) return ''
  const left = at.x - size.width / 2
  const top = at.y - size.height / 2
  const parts = [
    `<rect class="label" x="${n(left)}" y="${n(top)}" width="${n(size.width)}" height="${n(size.height)}" rx="4" fill="#ffffff" fill-opacity="0.94" stroke="${'guest' in link ? '#c9ccd6' : '#9aa0b2'}"/>`,
  ]
  let x = left + 2
  for (const [v, native] of chips) {
    parts.push(chip(v, { x: x + chipWidth(v) / 2, y: at.y }, native))
    x += chipWidth(v) + 4
  }
  const textCentre = (x + left + size.width) / 2
  lines.forEach((line, i) => {
    const baseline = top + 2 + i * LINE + 11.5
    const grey = i === 0 && 'guest' in link
    parts.push(
      textEl(
        textCentre,
        baseline,
        FONT.label,
        line,
        ` text-anchor="middle" fill="${grey ? '#6b7085' : '#2b2f3c'}"`,
      ),
    )
  })
  return `<g class="link-label" data-link="${xml(id)}">${parts.join('')}</g>`
}

function drawLine(link: LabLink, id: string, g: LinkGeometry): string {
  const down = link.state === 'down' ? ' stroke-dasharray="14 6" stroke-opacity="0.35"' : ''
  return `<line class="link" data-link="${xml(id)}" x1="${n(g.from.x)}" y1="${n(g.from.y)}" x2="${n(g.to.x)}" y2="${n(g.to.y)}" stroke="${linkColour(link)}" stroke-width="${isTrunk(link) ? 6 : 3}"${down}/>`
}

/** A halo reaches HALO_PAD past its guest, each further ring HALO_RING more: the canvas's overlay. */
const HALO_PAD = 7
const HALO_RING = 6

/**
 * Halos behind the guests of each broadcast domain, in its colour (a guest in several gets rings),
 * and the room labels keep from a guest for them: the canvas's haloRoom for the most rings any has.
 */
function halos(lab: Lab, boxes: ReadonlyMap<string, Box>): { svg: string[]; room: number } {
  const rings = new Map<string, number>()
  const svg: string[] = []
  for (const domain of broadcastDomains(lab).domains) {
    const colour = domain.vlan !== null ? vlanColour(domain.vlan).css : UNTAGGED_COLOUR.css
    const guests = new Set(domain.members.map((m) => m.slice(0, m.lastIndexOf(':'))))
    for (const guest of guests) {
      const b = boxes.get(guest)
      if (!b) continue
      const k = rings.get(guest) ?? 0
      rings.set(guest, k + 1)
      const pad = HALO_PAD + HALO_RING * k
      // Outer rings first, so that the inner ones are drawn over them.
      svg.unshift(
        `<rect class="domain" data-domain="${xml(domain.id)}" x="${n(b.x - pad)}" y="${n(b.y - pad)}" width="${n(b.width + 2 * pad)}" height="${n(b.height + 2 * pad)}" rx="${10 + pad}" fill="${colour}" fill-opacity="0.2"/>`,
      )
    }
  }
  const most = Math.max(0, ...rings.values())
  return { svg, room: most > 0 ? HALO_PAD + HALO_RING * (most - 1) + 4 : 0 }
}

const union = (boxes: readonly Box[]): Box => {
  const x = Math.min(...boxes.map((b) => b.x))
  const y = Math.min(...boxes.map((b) => b.y))
  return {
    x,
    y,
    width: Math.max(...boxes.map((b) => b.x + b.width)) - x,
    height: Math.max(...boxes.map((b) => b.y + b.height)) - y,
  }
}

/** The picture of a lab at its positions (a node without one waits in a grid: use `laidOut` first). */
export function labSvg(lab: Lab): string {
  const sizes = labNodeSizes(lab)
  const boxes = new Map<string, Box>()
  Object.keys(lab.nodes).forEach((name, i) => {
    const at = lab.layout?.[name] ?? waitingSpot(i)
    boxes.set(name, { ...at, ...sizes.get(name)! })
  })
  const frames = hostFrames(lab, boxes)
  const links = lab.links ?? []
  const ids = linkIds(links)
  const haloed = halos(lab, boxes)
  // Labels sit outside the domain halos around their guest, as on the canvas.
  const shapes = linkShapes(lab, ids, haloed.room)
  // Frame titles are obstacles for labels as nodes are (the NUL keeps them apart from node names).
  const obstacles = new Map(boxes)
  for (const f of frames) obstacles.set(`\0frame ${f.name}`, titleBox(f))
  const geometry = linkGeometry(obstacles, shapes)

  const drawn: Box[] = [...frames.map((f) => f.box), ...boxes.values()]
  const lines: string[] = []
  const labels: string[] = []
  links.forEach((link, i) => {
    const g = geometry.get(ids[i]!)
    if (!g) return
    lines.push(drawLine(link, ids[i]!, g))
    const label = drawLabel(lab, link, ids[i]!, g.label)
    if (label) {
      labels.push(label)
      const size = shapes[i]!.label
      drawn.push({ x: g.label.x - size.width / 2, y: g.label.y - size.height / 2, ...size })
    }
    if ('guest' in link && link.vlan !== undefined && g.chip) {
      labels.push(chip(link.vlan, g.chip, false, ids[i]))
      const w = chipWidth(link.vlan)
      drawn.push({ x: g.chip.x - w / 2, y: g.chip.y - CHIP_HEIGHT / 2, width: w, height: CHIP_HEIGHT })
    }
  })
  const nodes = Object.entries(lab.nodes).map(([name, node]) =>
    drawNode(name, node.kind, nodeDetail(node), boxes.get(name)!),
  )

  const content = drawn.length ? union(drawn) : { x: 0, y: 0, width: 200, height: 0 }
  const title = { x: content.x, y: content.y - 36 }
  const key = legend(lab, frames, { x: content.x, y: content.y + content.height + 28 }, content.width)
  const titleWidth = textWidth(lab.name) * (FONT.title / 12)
  const all = union([
    content,
    key.box,
    { x: title.x, y: title.y - FONT.title, width: titleWidth, height: 20 },
  ])
  const M = 20
  const view = {
    x: all.x - M,
    y: all.y - M,
    width: Math.ceil(all.width + 2 * M),
    height: Math.ceil(all.height + 2 * M),
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${n(view.x)} ${n(view.y)} ${view.width} ${view.height}" width="${view.width}" height="${view.height}" font-family="DejaVu Sans, Verdana, sans-serif">\n` +
    `<title>${xml(lab.name)}</title>\n` +
    `<rect class="background" x="${n(view.x)}" y="${n(view.y)}" width="${view.width}" height="${view.height}" fill="#ffffff"/>\n` +
    `${textEl(title.x, title.y, FONT.title, lab.name, ' class="lab-name" font-weight="bold" fill="#1d2130"')}\n` +
    [...frames.map(drawFrame), ...haloed.svg, ...lines, ...nodes, ...labels, key.svg].join('\n') +
    '\n</svg>\n'
  )
}

/** The picture, every node placed first as the editor would place it: what `patchbay export --format svg` writes. */
export async function labPicture(lab: Lab): Promise<string> {
  return labSvg(await laidOut(lab))
}
