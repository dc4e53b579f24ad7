// The canvas's kind icons (renderer/canvas/icons.tsx) as SVG markup for the exported picture, in a
// 24×24 box, and each kind's card colours (renderer/styles.css, .lab-node-*).
import type { NodeKind } from '../lab/schema.ts'

export const ICONS: Record<NodeKind | 'host', string> = {
  'ovs-bridge':
    '<rect x="2" y="6" width="20" height="12" rx="2.5"/><path d="M6 10.5h10l-2-2M18 13.5H8l2 2" fill="none"/>',
  'linux-bridge':
    '<path d="M2 17h20M4 17v-4M20 17v-4M4 13c3-6 13-6 16 0" fill="none"/><path d="M8 17v-4.5M12 17v-5.5M16 17v-4.5" fill="none"/>',
  container:
    '<path d="M12 2.5l8.5 4.5v10L12 21.5 3.5 17V7z"/><path d="M3.5 7L12 11.5 20.5 7M12 11.5v10" fill="none"/>',
  netns:
    '<rect x="3" y="4" width="18" height="16" rx="3" stroke-dasharray="3 2" fill="none"/><circle cx="12" cy="12" r="3"/>',
  uplink: '<path d="M4 5h16v10h-4v4H8v-4H4z"/><path d="M8 8v3M11 8v3M14 8v3M17 8v3" fill="none"/>',
  host: '<rect x="3" y="3" width="18" height="7" rx="1.5"/><rect x="3" y="13" width="18" height="7" rx="1.5"/><path d="M6.5 6.5h.01M6.5 16.5h.01" fill="none" stroke-width="2.4" stroke-linecap="round"/>',
}

/** What a card says under its name when it has no detail of its own. */
export const KIND_NAME: Record<NodeKind, string> = {
  'ovs-bridge': 'Open vSwitch',
  'linux-bridge': 'Linux bridge',
  container: 'container',
  netns: 'netns',
  uplink: 'host NIC',
}

interface CardStyle {
  readonly fill: string
  readonly stroke: string
  readonly strokeWidth: number
  readonly icon: string
  readonly iconFill: string
}

const GUEST: CardStyle = {
  fill: '#ffffff',
  stroke: '#8a8fa3',
  strokeWidth: 1.5,
  icon: '#5a4a8b',
  iconFill: 'none',
}

export const NODE_STYLE: Record<NodeKind, CardStyle> = {
  'ovs-bridge': { fill: '#eef1f8', stroke: '#5d6580', strokeWidth: 2, icon: '#2b4a8b', iconFill: '#dfe5f3' },
  'linux-bridge': {
    fill: '#eef1f8',
    stroke: '#5d6580',
    strokeWidth: 2,
    icon: '#6b4a1f',
    iconFill: '#dfe5f3',
  },
  container: { ...GUEST, icon: '#1f6b55', iconFill: '#e3f1ec' },
  netns: { ...GUEST, iconFill: '#5a4a8b' },
  uplink: { fill: '#fff7e8', stroke: '#b08a45', strokeWidth: 1.5, icon: '#8a6a2b', iconFill: '#fde9c2' },
}
