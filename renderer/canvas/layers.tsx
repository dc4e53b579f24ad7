// Layers of the canvas that pan and zoom with it: one under the nodes (the links) and one over them
// (labels, activity, the path). Found once per canvas: React Flow's own ViewportPortal looks its
// target up with querySelector in a store selector, so every store update (several per drag or pan
// frame) made each portal search the canvas's DOM, some 20,000 elements at 1,000 nodes.
import { useStore } from '@xyflow/react'
import { type ReactNode, useMemo } from 'react'
import { createPortal } from 'react-dom'

function useLayer(selector: string): Element | null {
  const root = useStore((s) => s.domNode)
  return useMemo(() => root?.querySelector(selector) ?? null, [root, selector])
}

/** Drawn above the nodes (React Flow's viewport portal, the viewport's last child). */
export function OverNodes({ children }: { children: ReactNode }) {
  const layer = useLayer('.react-flow__viewport-portal')
  return layer ? createPortal(children, layer) : null
}

/**
 * Drawn under the nodes and over the host frames and halos: React Flow's edge label layer, which
 * comes before the nodes in the viewport (the canvas draws its links itself, see edges.tsx).
 */
export function UnderNodes({ children }: { children: ReactNode }) {
  const layer = useLayer('.react-flow__edgelabel-renderer')
  return layer ? createPortal(children, layer) : null
}
