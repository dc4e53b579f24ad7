// Every VLAN gets a colour of its own that never changes: VLAN 10 is the same colour in every lab,
// on every machine, in the link, its chips, the legend and the domain overlay, so a class can say
// "the teal VLAN". The colours are Paul Tol's "muted" scheme, which stays distinguishable with the
// common colour-vision deficiencies. Nine colours cannot give 4094 VLANs one each, so the index is
// chosen for the way labs number VLANs: consecutive ids (1, 2, 3), tens (10, 20, 30) and hundreds
// (100, 200, 300) always land on different colours.

/**
 * Paul Tol's muted scheme (https://personal.sron.nl/~pault/), without its grey, ordered so that the
 * ids labs use most (10, 20, 30 and 100, 200, 300 land on 2, 4, 6) get the strongest colours.
 */
export const VLAN_PALETTE = [
  '#ddcc77', // sand
  '#117733', // green
  '#44aa99', // teal
  '#aa4499', // purple
  '#cc6677', // rose
  '#882255', // wine
  '#332288', // indigo
  '#88ccee', // cyan
  '#999933', // olive
] as const

/** Colours light enough that text on them must be dark. */
const LIGHT = new Set<string>(['#ddcc77', '#88ccee', '#cc6677', '#44aa99', '#999933'])

export interface VlanColour {
  readonly vlan: number
  /** `#rrggbb` for strokes, fills and the `data-colour` test hook. */
  readonly css: string
  /** Text colour that reads on top of `css`. */
  readonly ink: string
}

/**
 * Steps of 1, 10 and 100 move the index by 1, 11 and 110: mod 9 that is 1, 2 and 2, all prime to
 * 9, so nine ids numbered any of those ways walk the whole palette instead of repeating a colour.
 */
export const vlanPaletteIndex = (vlan: number): number => (vlan + Math.floor(vlan / 10)) % VLAN_PALETTE.length

export function vlanColour(vlan: number): VlanColour {
  const css = VLAN_PALETTE[vlanPaletteIndex(vlan)]!
  return { vlan, css, ink: LIGHT.has(css) ? '#111111' : '#ffffff' }
}

/** The untagged segment is drawn neutral grey, never a VLAN colour. */
export const UNTAGGED_COLOUR: VlanColour = { vlan: 0, css: '#8c8c8c', ink: '#111111' }

/** A trunk carries many VLANs: its line is dark and thick, its VLANs are chips. */
export const TRUNK_COLOUR = '#4a4a55'
