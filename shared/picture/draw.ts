// Small pieces of SVG markup the picture and its legend share: text, numbers, VLAN chips.
import { CHIP_HEIGHT, chipWidth } from '../layout/geometry.ts'
import { vlanColour } from './vlan-colour.ts'

/** Text sizes (px). Label text is 11px: geometry.ts sizes a label at 6.7px a character. */
export const FONT = { title: 15, name: 13, detail: 10.5, label: 11, chip: 10, host: 12, hostKind: 11 }

export const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
/** Coordinates to a tenth of a pixel: short and stable output. */
export const n = (v: number) => String(Math.round(v * 10) / 10)

/** `text` cut with an ellipsis to fit `width` at `size` (bold text is wider: DejaVu Sans Bold). */
export function fitted(text: string, width: number, size: number, bold = false): string {
  const per = size * (bold ? 0.7 : 0.62)
  if (text.length * per <= width) return text
  const keep = Math.max(1, Math.floor(width / per) - 1)
  return `${text.slice(0, keep)}…`
}

export const textEl = (x: number, y: number, size: number, content: string, extra = '') =>
  `<text x="${n(x)}" y="${n(y)}" font-size="${size}"${extra}>${xml(content)}</text>`

/**
 * A VLAN chip centred at `at`: a pill in the VLAN's colour with its number (and ·N when native);
 * `link` names the guest link whose bridge end it marks.
 */
export function chip(vlan: number, at: { x: number; y: number }, native = false, link?: string): string {
  const c = vlanColour(vlan)
  const width = chipWidth(vlan)
  const of = link === undefined ? '' : ` data-link="${xml(link)}"`
  return (
    `<g class="chip" data-vlan="${vlan}"${of}><rect x="${n(at.x - width / 2)}" y="${n(at.y - CHIP_HEIGHT / 2)}" width="${width}" height="${CHIP_HEIGHT}" rx="8" fill="${c.css}"/>` +
    textEl(
      at.x,
      at.y + 3.5,
      FONT.chip,
      native ? `${vlan}·N` : String(vlan),
      ` text-anchor="middle" fill="${c.ink}"`,
    ) +
    '</g>'
  )
}
