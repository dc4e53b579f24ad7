// Schema and rules together, element by element: every node and link is checked on its own, then
// the rules run over those that passed, so a file with five mistakes gets five messages.
import { z } from 'zod'
import { checkExerciseShape, exerciseProblems } from './exercise.ts'
import { error, type LabPath, type Problem } from './problem.ts'
import { GuestLink, Lab, type LabLink, LabNode, NODE_KINDS, WireLink } from './schema.ts'
import { validateLab } from './validate.ts'

export interface LabCheck {
  /** The lab, when it has no errors (it may still have warnings). */
  readonly lab: Lab | null
  readonly problems: readonly Problem[]
}

const LabFrame = Lab.extend({
  nodes: z.record(z.string(), z.unknown()),
  links: z.array(z.unknown()).optional(),
  exercise: z.unknown().optional(),
})

function issueProblems(issues: readonly z.core.$ZodIssue[], prefix: LabPath): Problem[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...(issue.path as (string | number)[])]
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => error([...path, key], `unknown field ${JSON.stringify(key)}`, true))
    }
    if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
      return [error(path, `kind must be one of ${NODE_KINDS.join(', ')}`)]
    }
    return [error(path, issue.message)]
  })
}

function checkLink(raw: unknown, index: number): { link: LabLink | null; problems: Problem[] } {
  const at: LabPath = ['links', index]
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { link: null, problems: [error(at, 'a link is a map, e.g. { guest: test1, to: ovs0 }')] }
  }
  // Choose the link's shape by its keys, so errors speak of that shape and not of a failed union.
  const schema = 'between' in raw ? WireLink : 'guest' in raw || 'to' in raw ? GuestLink : null
  if (!schema) {
    return {
      link: null,
      problems: [error(at, 'a link needs guest: and to: (a guest plugged in) or between: [a, b] (a wire)')],
    }
  }
  const result = schema.safeParse(raw)
  return result.success
    ? { link: result.data, problems: [] }
    : { link: null, problems: issueProblems(result.error.issues, at) }
}

/** Checks a lab given as plain data (from YAML, from the editor's document, from the API). */
export function checkLab(input: unknown): LabCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { lab: null, problems: [error([], 'a lab file is a YAML map that starts with "patchbay: 1"')] }
  }
  const frame = LabFrame.safeParse(input)
  if (!frame.success) {
    const problems = issueProblems(frame.error.issues, [])
    // Without nodes there is nothing the rules can run on.
    return { lab: null, problems }
  }
  const problems: Problem[] = []
  const nodes: Lab['nodes'] = {}
  const invalidNodes = new Set<string>()
  for (const [name, raw] of Object.entries(frame.data.nodes)) {
    const result = LabNode.safeParse(raw)
    if (result.success) nodes[name] = result.data
    else {
      invalidNodes.add(name)
      problems.push(...issueProblems(result.error.issues, ['nodes', name]))
    }
  }
  const links: LabLink[] = []
  const linkSlots: number[] = []
  ;(frame.data.links ?? []).forEach((raw, index) => {
    const checked = checkLink(raw, index)
    problems.push(...checked.problems)
    if (checked.link) {
      links.push(checked.link)
      linkSlots.push(index)
    }
  })
  const { links: _rawLinks, exercise: rawExercise, ...rest } = frame.data
  const exercise = rawExercise === undefined ? null : checkExerciseShape(rawExercise)
  if (exercise) problems.push(...exercise.problems)
  const lab: Lab = {
    ...rest,
    nodes,
    ...(frame.data.links ? { links } : {}),
    ...(exercise?.exercise ? { exercise: exercise.exercise } : {}),
  }
  // Rules see only the links that parsed; map their indices back to the file's.
  for (const problem of validateLab(lab, { invalidNodes })) {
    const [top, index, ...rest] = problem.path
    problems.push(
      top === 'links' && typeof index === 'number'
        ? { ...problem, path: ['links', linkSlots[index]!, ...rest] }
        : problem,
    )
  }
  // Goals name nodes and wires: checked against every link, as the file has them.
  if (lab.exercise && problems.every((p) => p.severity !== 'error'))
    problems.push(...exerciseProblems(lab, lab.exercise))
  const failed = problems.some((p) => p.severity === 'error')
  return { lab: failed ? null : lab, problems }
}
