// The path actions, from the drawing as it is now (shared/l2, no root): explain A → B, step an ARP
// request from A, step a unicast frame A → B. A drawing with errors answers with its problems.
import { broadcastDomains } from '../../shared/l2/domains.ts'
import { explain } from '../../shared/l2/explain.ts'
import { type Simulation, simulateBroadcast, simulateUnicast } from '../../shared/l2/frames.ts'
import { checkLab } from '../../shared/lab/check.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { useDocument } from '../document/use-document.ts'
import { useUi } from '../ui/store.ts'
import { type Stepping, useUnderstand } from './store.ts'

/** The drawing as a valid lab, or null after saying why in the output panel. */
function drawnLab(): Lab | null {
  const checked = checkLab(useDocument.getState().lab)
  if (checked.lab) return checked.lab
  useUi.getState().show({
    kind: 'text',
    title: 'the drawing has errors: fix them to follow a path',
    lines: checked.problems.filter((p) => p.severity === 'error').map((p) => p.message),
    failed: true,
  })
  return null
}

/** Runs `what` on the drawn lab; a name that is not a guest is said in the output panel. */
function withLab(what: (lab: Lab) => void) {
  const lab = drawnLab()
  if (!lab) return
  try {
    what(lab)
  } catch (e) {
    useUi.getState().show({ kind: 'text', title: (e as Error).message, lines: [], failed: true })
  }
}

/** Every guest interface of the drawing (`guest:ifname`), sorted: what the path pickers offer. */
export function guestInterfaces(lab: Lab | null): string[] {
  return lab ? [...broadcastDomains(lab).members.keys()].sort() : []
}

export const explainPath = (from: string, to: string) =>
  withLab((lab) => {
    const explanation = explain(lab, from, to)
    useUnderstand.getState().setPair(explanation.from, explanation.to)
    useUnderstand.getState().show({ kind: 'explain', explanation, source: 'drawing' })
  })

const stepping = (sim: Simulation): Stepping => ({
  source: 'simulated',
  title:
    sim.kind === 'broadcast'
      ? `ARP request (broadcast) from ${sim.from}`
      : `unicast frame ${sim.from} → ${sim.to}`,
  why: sim.why,
  steps: sim.steps,
  reached: sim.reached,
})

export const stepBroadcast = (from: string) =>
  withLab((lab) => {
    const sim = simulateBroadcast(lab, from)
    useUnderstand.getState().setPair(sim.from, useUnderstand.getState().to)
    useUnderstand.getState().show({ kind: 'steps', stepping: stepping(sim), index: 0 })
  })

export const stepUnicast = (from: string, to: string) =>
  withLab((lab) => {
    const sim = simulateUnicast(lab, from, to)
    useUnderstand.getState().setPair(sim.from, sim.to)
    useUnderstand.getState().show({ kind: 'steps', stepping: stepping(sim), index: 0 })
  })

/**
 * A node clicked on the canvas while a path waits for its end: runs the path to it. True when the
 * click was taken (the canvas then does not select the node).
 */
export function pickGuest(node: string): boolean {
  const picking = useUnderstand.getState().picking
  if (!picking) return false
  const kind = useDocument.getState().lab.nodes[node]?.kind
  if (kind !== 'container' && kind !== 'netns') return false
  if (picking.then === 'explain') explainPath(picking.from, node)
  else stepUnicast(picking.from, node)
  return true
}
