// One small inline SVG per kind of thing on the canvas (no fonts or images fetched from anywhere):
// a switch with crossing arrows for Open vSwitch, a bridge arch for a Linux bridge, a box for a
// container, a dashed room for a network namespace, a jack for a host NIC, a server for a host.
import type { NodeKind } from '../../shared/lab/schema.ts'

export type IconKind = NodeKind | 'host'

const PATHS: Record<IconKind, React.ReactNode> = {
  'ovs-bridge': (
    <>
      <rect x="2" y="6" width="20" height="12" rx="2.5" />
      <path d="M6 10.5h10l-2-2M18 13.5H8l2 2" fill="none" />
    </>
  ),
  'linux-bridge': (
    <>
      <path d="M2 17h20M4 17v-4M20 17v-4M4 13c3-6 13-6 16 0" fill="none" />
      <path d="M8 17v-4.5M12 17v-5.5M16 17v-4.5" fill="none" />
    </>
  ),
  container: (
    <>
      <path d="M12 2.5l8.5 4.5v10L12 21.5 3.5 17V7z" />
      <path d="M3.5 7L12 11.5 20.5 7M12 11.5v10" fill="none" />
    </>
  ),
  netns: (
    <>
      <rect x="3" y="4" width="18" height="16" rx="3" strokeDasharray="3 2" fill="none" />
      <circle cx="12" cy="12" r="3" />
    </>
  ),
  uplink: (
    <>
      <path d="M4 5h16v10h-4v4H8v-4H4z" />
      <path d="M8 8v3M11 8v3M14 8v3M17 8v3" fill="none" />
    </>
  ),
  host: (
    <>
      <rect x="3" y="3" width="18" height="7" rx="1.5" />
      <rect x="3" y="13" width="18" height="7" rx="1.5" />
      <path d="M6.5 6.5h.01M6.5 16.5h.01" fill="none" strokeWidth="2.4" strokeLinecap="round" />
    </>
  ),
}

export function KindIcon({ kind, size = 20 }: { kind: IconKind; size?: number }) {
  return (
    <svg
      className={`kind-icon kind-icon-${kind}`}
      data-icon={kind}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinejoin="round"
      fill="var(--icon-fill, none)"
    >
      {PATHS[kind]}
    </svg>
  )
}
