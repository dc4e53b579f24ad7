import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { gradeExercise } from '../../../shared/l2/goals.ts'
import { isGuestLink } from '../../../shared/lab/schema.ts'
import { observedLab } from '../../core/observed-lab.ts'
import { machineEngine } from '../engine-input.ts'
import type { CliIo } from '../io.ts'
import { loadLabArg, printProblems } from '../lab-input.ts'

/**
 * `patchbay check LAB`: grade the lab's exercise goals. As root with the lab applied, against the
 * lab as the kernel and OVS have it (the path of `domains --observed`); otherwise from the drawing,
 * and it says so.
 */
export async function checkCommand(io: CliIo, path: string, options: { json?: boolean }): Promise<ExitCode> {
  const loaded = await loadLabArg(io, path)
  if (!loaded.lab) {
    printProblems(io, loaded.problems)
    return ExitCode.invalid
  }
  const { exercise } = loaded.lab
  if (!exercise) {
    io.stderr(`patchbay check: ${path} has no exercise: block to check\n`)
    return ExitCode.invalid
  }
  let lab = loaded.lab
  let gradedFrom: 'drawing' | 'machine' = 'drawing'
  let note = 'graded from the drawing (not root)'
  if (process.geteuid?.() === 0) {
    const engine = machineEngine(io, 'check', 'look')
    if (typeof engine === 'number') return engine
    const observed = observedLab(loaded.lab, await engine.observe(loaded.lab))
    if ((observed.links ?? []).some(isGuestLink)) {
      lab = observed
      gradedFrom = 'machine'
      note = 'graded from the machine (the lab as the kernel and OVS have it)'
    } else note = 'graded from the drawing (the lab is not applied)'
  }
  const grade = gradeExercise(lab, exercise)
  if (options.json) {
    io.stdout(`${JSON.stringify({ ok: grade.ok, gradedFrom, goals: grade.goals })}\n`)
  } else {
    printProblems(io, loaded.problems)
    io.stdout(`${exercise.title}: ${note}\n`)
    for (const g of grade.goals) io.stdout(`  ${g.ok ? 'met    ' : 'NOT met'}  ${g.goal}: ${g.why}\n`)
    io.stdout(grade.ok ? 'all goals met\n' : `${grade.goals.filter((g) => !g.ok).length} goal(s) not met\n`)
  }
  return grade.ok ? ExitCode.ok : ExitCode.differs
}
