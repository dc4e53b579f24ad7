// Grading an exercise's goals against a lab: the drawing, or the lab as observed on the machine
// (observed-lab.ts gives the same shape). A failed goal says why in explain's words.
import { guestProblem, trunkWire } from '../lab/exercise.ts'
import type { Exercise, ExerciseGoal, Lab, WireLink } from '../lab/schema.ts'
import { broadcastDomains, filteringBridges, labVlans, wireEndMode } from './domains.ts'
import { explain } from './explain.ts'
import { internalVlan, labelsToTry } from './ports.ts'

export interface GoalResult {
  /** The goal in words: `reach test1 test2`, `isolated test1 test3`, `trunk ovs1~ovs2 carries 100, 200`. */
  readonly goal: string
  readonly ok: boolean
  readonly why: string
}

export interface Grade {
  readonly ok: boolean
  readonly goals: readonly GoalResult[]
}

export function goalText(goal: ExerciseGoal): string {
  if ('reach' in goal) return `reach ${goal.reach.join(' ')}`
  if ('isolated' in goal) return `isolated ${goal.isolated.join(' ')}`
  return `trunk ${goal.trunk} carries ${goal.carries.join(', ')}`
}

/** Whether a frame of `vlan` leaves one end of the wire and lands in `vlan` at the other. */
function carries(lab: Lab, wire: WireLink, vlan: number): boolean {
  const filters = filteringBridges(lab)
  const a = wireEndMode(lab, wire, 0, filters)
  const b = wireEndMode(lab, wire, 1, filters)
  for (const label of labelsToTry(a, b, labVlans(lab))) {
    if (internalVlan(a, label) === vlan && internalVlan(b, label) === vlan) return true
  }
  return false
}

function trunkResult(lab: Lab, goal: { trunk: string; carries: number[] }): { ok: boolean; why: string } {
  const found = trunkWire(lab, goal.trunk)
  if ('problem' in found) return { ok: false, why: found.problem }
  const wire = lab.links![found.index] as WireLink
  const missing = goal.carries.filter((v) => !carries(lab, wire, v))
  if (missing.length === 0)
    return { ok: true, why: `the trunk ${goal.trunk} carries ${goal.carries.join(', ')}` }
  const native = wire.native
  if (Array.isArray(native) && native[0] !== native[1] && missing.some((v) => native.includes(v))) {
    return {
      ok: false,
      why: `native VLAN mismatch on the wire ${goal.trunk}: ${native[0]} on ${wire.between[0]} but ${native[1]} on ${wire.between[1]}, so VLAN ${missing.join(', ')} does not cross it`,
    }
  }
  return {
    ok: false,
    why: `the trunk ${goal.trunk} does not carry VLAN ${missing.join(', ')}${wire.trunk ? ` (it carries ${wire.trunk.join(', ')})` : ''}`,
  }
}

export function gradeExercise(lab: Lab, exercise: Exercise): Grade {
  const analysis = broadcastDomains(lab)
  const goals = exercise.goals.map((goal): GoalResult => {
    const text = goalText(goal)
    if ('trunk' in goal) return { goal: text, ...trunkResult(lab, goal) }
    const [a, b] = 'reach' in goal ? goal.reach : goal.isolated
    const unplugged = [a, b].map((n) => guestProblem(lab, n)).find((p) => p !== null)
    if ('reach' in goal) {
      if (unplugged) return { goal: text, ok: false, why: unplugged }
      const e = explain(lab, a, b, analysis)
      return { goal: text, ok: e.reachable, why: e.why }
    }
    if (unplugged) return { goal: text, ok: true, why: unplugged }
    const e = explain(lab, a, b, analysis)
    const domain = analysis.domainOf.get(e.from)
    if (domain === analysis.domainOf.get(e.to)) {
      return { goal: text, ok: false, why: `${e.from} and ${e.to} share the broadcast domain ${domain}` }
    }
    return { goal: text, ok: true, why: e.why }
  })
  return { ok: goals.every((g) => g.ok), goals }
}
