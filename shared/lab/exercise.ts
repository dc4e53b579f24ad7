// An exercise a lab may carry: a title and goals a student meets by drawing (and applying) the lab
// right. Checked like links: each goal by the shape its keys choose, then its names against the lab,
// so a typo in a goal is an error naming the field and line, like any other lab error.
import type { z } from 'zod'
import { guestIfname } from './normalize.ts'
import { error, type LabPath, type Problem } from './problem.ts'
import {
  type Exercise,
  Exercise as ExerciseSchema,
  IsolatedGoal,
  isGuestLink,
  isWire,
  type Lab,
  ReachGoal,
  TrunkGoal,
} from './schema.ts'

const issuesAt = (issues: readonly z.core.$ZodIssue[], at: LabPath): Problem[] =>
  issues.flatMap((issue) => {
    const path = [...at, ...(issue.path as (string | number)[])]
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => error([...path, key], `unknown field ${JSON.stringify(key)}`, true))
    }
    return [error(path, issue.message)]
  })

/** The exercise block as data, or the problems with its shape. */
export function checkExerciseShape(raw: unknown): { exercise: Exercise | null; problems: Problem[] } {
  const at: LabPath = ['exercise']
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { exercise: null, problems: [error(at, 'exercise is a map: { title: ..., goals: [...] }')] }
  }
  const { goals, ...rest } = raw as Record<string, unknown>
  const problems = issuesAt(ExerciseSchema.omit({ goals: true }).safeParse(rest).error?.issues ?? [], at)
  if (!Array.isArray(goals) || goals.length === 0) {
    problems.push(
      error(
        [...at, 'goals'],
        'goals is a list of at least one {reach: [A, B]}, {isolated: [A, B]} or {trunk: "X~Y", carries: [VLANs]}',
      ),
    )
  } else {
    goals.forEach((goal, index) => {
      const here = [...at, 'goals', index]
      const keys = typeof goal === 'object' && goal !== null ? Object.keys(goal) : []
      const schema = keys.includes('reach')
        ? ReachGoal
        : keys.includes('isolated')
          ? IsolatedGoal
          : keys.includes('trunk') || keys.includes('carries')
            ? TrunkGoal
            : null
      if (!schema) {
        problems.push(
          error(here, 'a goal is {reach: [A, B]}, {isolated: [A, B]} or {trunk: "X~Y", carries: [VLANs]}'),
        )
        return
      }
      problems.push(...issuesAt(schema.safeParse(goal).error?.issues ?? [], here))
    })
  }
  return { exercise: problems.length === 0 ? (raw as Exercise) : null, problems }
}

/** A goal's guest name (`node` or `node:ifname`) against the lab's guest links. */
function guestProblem(lab: Lab, name: string): string | null {
  const colon = name.indexOf(':')
  const node = colon < 0 ? name : name.slice(0, colon)
  const kind = lab.nodes[node]?.kind
  if (kind === undefined) return `unknown node ${JSON.stringify(node)}`
  if (kind !== 'container' && kind !== 'netns')
    return `${node} is a ${kind}, not a guest (a container or netns)`
  const ifnames = (lab.links ?? [])
    .filter(isGuestLink)
    .filter((l) => l.guest === node)
    .map(guestIfname)
  if (ifnames.length === 0) return `${node} has no link to a bridge yet`
  if (colon >= 0 && !ifnames.includes(name.slice(colon + 1))) {
    return `${node} has no interface ${JSON.stringify(name.slice(colon + 1))} (it has ${ifnames.join(', ')})`
  }
  return null
}

/** The wire a `X~Y` goal names (either way round), or why there is none. */
export function trunkWire(lab: Lab, name: string): { index: number } | { problem: string } {
  const ends = name.split('~')
  if (ends.length !== 2 || !ends[0] || !ends[1])
    return { problem: `trunk ${JSON.stringify(name)} is not of the form X~Y` }
  for (const end of ends) {
    if (lab.nodes[end] === undefined)
      return { problem: `unknown node ${JSON.stringify(end)} in trunk ${name}` }
  }
  const index = (lab.links ?? []).findIndex(
    (l) =>
      isWire(l) &&
      ((l.between[0] === ends[0] && l.between[1] === ends[1]) ||
        (l.between[0] === ends[1] && l.between[1] === ends[0])),
  )
  return index < 0 ? { problem: `no wire joins ${ends[0]} and ${ends[1]}` } : { index }
}

/**
 * The goals' names against the lab. A guest not linked yet, or a trunk not drawn yet, is what an
 * exercise's starting file lacks, so those are left to `check` to report; names of nodes that do
 * not exist at all are errors.
 */
export function exerciseProblems(lab: Lab, exercise: Exercise): Problem[] {
  const problems: Problem[] = []
  exercise.goals.forEach((goal, index) => {
    const at: LabPath = ['exercise', 'goals', index]
    if ('trunk' in goal) {
      const found = trunkWire(lab, goal.trunk)
      if ('problem' in found && found.problem.startsWith('no wire') === false)
        problems.push(error([...at, 'trunk'], found.problem))
      return
    }
    const [key, pair] = 'reach' in goal ? ['reach', goal.reach] : ['isolated', goal.isolated]
    pair.forEach((name, i) => {
      const problem = guestProblem(lab, name)
      if (problem && !problem.endsWith('no link to a bridge yet'))
        problems.push(error([...at, key, i], problem))
    })
  })
  return problems
}

export type { Exercise, ExerciseGoal } from './schema.ts'
export { guestProblem }
