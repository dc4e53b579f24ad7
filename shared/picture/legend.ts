// The picture's legend, under the drawing: each VLAN of the lab as its chip, what an untagged link
// and a trunk look like, the two kinds of host frame when the lab has them, and the domain halo.
// Items flow left to right and wrap at the drawing's width.
import type { Lab } from '../lab/schema.ts'
import type { Box } from '../layout/geometry.ts'
import { chipWidth } from '../layout/geometry.ts'
import { chip, FONT, n, textEl } from './draw.ts'
import { TRUNK_COLOUR, UNTAGGED_COLOUR } from './vlan-colour.ts'

const ROW = 22
const GAP = 18
const SWATCH = 30

interface Item {
  readonly width: number
  /** Markup for the item with its left edge at x and its middle at y. */
  readonly draw: (x: number, y: number) => string
}

const words = (text: string) => text.length * FONT.label * 0.62

function labelled(swatchWidth: number, swatch: (x: number, y: number) => string, text: string): Item {
  return {
    width: swatchWidth + 6 + words(text),
    draw: (x, y) => swatch(x, y) + textEl(x + swatchWidth + 6, y + 4, FONT.label, text, ' fill="#2b2f3c"'),
  }
}

const line = (colour: string, width: number) => (x: number, y: number) =>
  `<line x1="${n(x)}" y1="${n(y)}" x2="${n(x + SWATCH)}" y2="${n(y)}" stroke="${colour}" stroke-width="${width}"/>`

const frame = (x: number, y: number) =>
  `<rect x="${n(x)}" y="${n(y - 7)}" width="${SWATCH}" height="14" rx="4" fill="#eceff8" stroke="#a9aec4" stroke-width="1.5"/>`

export function legend(
  lab: Lab,
  frames: readonly { readonly machine: string | undefined }[],
  at: { x: number; y: number },
  width: number,
): { svg: string; box: Box } {
  const used = new Set<number>()
  for (const link of lab.links ?? []) {
    if (link.vlan !== undefined) used.add(link.vlan)
    if ('between' in link) for (const v of [...(link.trunk ?? []), ...[link.native ?? []].flat()]) used.add(v)
  }
  const vlans = [...used].sort((a, b) => a - b)
  const items: Item[] = []
  if (vlans.length > 0) {
    const chips = vlans.map((v) => chipWidth(v)).reduce((sum, w) => sum + w + 4, 0)
    items.push({
      width: words('VLANs') + 6 + chips,
      draw: (x, y) => {
        let cx = x + words('VLANs') + 6
        const parts = [textEl(x, y + 4, FONT.label, 'VLANs', ' fill="#2b2f3c"')]
        for (const v of vlans) {
          parts.push(chip(v, { x: cx + chipWidth(v) / 2, y }))
          cx += chipWidth(v) + 4
        }
        return parts.join('')
      },
    })
  }
  items.push(labelled(SWATCH, line(UNTAGGED_COLOUR.css, 3), 'untagged'))
  if (vlans.length > 0) items.push(labelled(SWATCH, line(TRUNK_COLOUR, 6), 'trunk'))
  if (frames.some((f) => f.machine === undefined)) items.push(labelled(SWATCH, frame, 'simulated host'))
  if (frames.some((f) => f.machine !== undefined)) items.push(labelled(SWATCH, frame, 'machine (ssh)'))
  items.push(
    labelled(
      SWATCH,
      (x, y) =>
        `<rect x="${n(x)}" y="${n(y - 7)}" width="${SWATCH}" height="14" rx="7" fill="${UNTAGGED_COLOUR.css}" fill-opacity="0.2"/>`,
      'broadcast domain',
    ),
  )
  const limit = Math.max(width, 420)
  const parts: string[] = []
  let x = 0
  let row = 0
  let widest = 0
  for (const item of items) {
    if (x > 0 && x + item.width > limit) {
      row++
      x = 0
    }
    parts.push(item.draw(at.x + x, at.y + row * ROW + ROW / 2))
    widest = Math.max(widest, x + item.width)
    x += item.width + GAP
  }
  return {
    svg: `<g class="legend">${parts.join('')}</g>`,
    box: { x: at.x, y: at.y, width: widest, height: (row + 1) * ROW },
  }
}
