export const VLAN_MIN = 1
export const VLAN_MAX = 4094

export function vlanProblem(vlan: number): string | null {
  if (!Number.isInteger(vlan)) return `VLAN ${vlan} is not a whole number`
  if (vlan < VLAN_MIN || vlan > VLAN_MAX) {
    // 0 means "priority tag only" and 4095 is reserved by 802.1Q: neither can carry a VLAN.
    return `VLAN ${vlan} is outside ${VLAN_MIN}-${VLAN_MAX}`
  }
  return null
}
