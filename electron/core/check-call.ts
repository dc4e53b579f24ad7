// check as a service call: grade a lab's exercise goals against the lab as the kernel and OVS hold
// it when it is applied and the engine runs, else against the drawing, and say which.
import type { CheckReply } from '../../shared/api/contract.ts'
import { gradeExercise } from '../../shared/l2/goals.ts'
import { isGuestLink, type Lab } from '../../shared/lab/schema.ts'
import { ServiceError } from './calls.ts'
import type { Engine } from './engine.ts'
import { observedLab } from './observed-lab.ts'

export async function checkLab(engine: Engine | null, lab: Lab, observed: boolean): Promise<CheckReply> {
  const { exercise } = lab
  if (!exercise) throw new ServiceError('invalid', `lab ${lab.name} has no exercise: block to check`)
  let graded = lab
  let gradedFrom: CheckReply['gradedFrom'] = 'drawing'
  let note = observed ? 'graded from the drawing (not root)' : 'graded from the drawing'
  if (observed && engine) {
    const machine = observedLab(lab, await engine.observe(lab))
    // A lab with none of its guest links on the machine is not applied: the drawing is all there is.
    if ((machine.links ?? []).some(isGuestLink)) {
      graded = machine
      gradedFrom = 'machine'
      note = 'graded from the machine (the lab as the kernel and OVS have it)'
    } else note = 'graded from the drawing (the lab is not applied)'
  }
  const grade = gradeExercise(graded, exercise)
  return { ok: grade.ok, gradedFrom, note, goals: grade.goals.map((g) => ({ ...g })) }
}
