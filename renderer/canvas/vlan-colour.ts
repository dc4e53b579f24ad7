// Every VLAN gets a colour of its own that never changes: VLAN 100 is the same colour in every lab,
// on every machine, so a class can say "the orange VLAN". Neighbouring ids (100, 101) land far apart
// on the colour wheel, because labs number VLANs consecutively.

const GOLDEN_ANGLE = 137.508

export interface VlanColour {
  readonly vlan: number
  /** CSS colour for strokes and fills. */
  readonly css: string
  /** Text colour that reads on top of `css`. */
  readonly ink: string
}

export function vlanColour(vlan: number): VlanColour {
  const hue = Math.round((vlan * GOLDEN_ANGLE) % 360)
  // Alternate lightness too, so two VLANs whose hues happen to meet still differ.
  const lightness = vlan % 2 === 0 ? 45 : 58
  return { vlan, css: `hsl(${hue} 70% ${lightness}%)`, ink: lightness > 50 ? '#111' : '#fff' }
}

/** The untagged segment is drawn neutral grey, never a VLAN colour. */
export const UNTAGGED_COLOUR: VlanColour = { vlan: 0, css: 'hsl(0 0% 55%)', ink: '#111' }
