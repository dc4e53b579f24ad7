// The exercise of a lab that has an `exercise:` block: its goals as a checklist graded live from
// the drawing (shared/l2/goals.ts, the same grading as `patchbay check` without root), each goal
// turning green as the drawing meets it, a failing one saying why in explain's words. Clicking a
// reach or isolated goal explains that path on the canvas. "Check on the machine" grades the same
// goals against the applied lab (the checkLab call), until the drawing changes.
import { useMemo, useState } from 'react'
import type { CheckReply } from '../../shared/api/contract.ts'
import { type GoalResult, gradeExercise } from '../../shared/l2/goals.ts'
import { checkLab } from '../../shared/lab/check.ts'
import type { ExerciseGoal } from '../../shared/lab/schema.ts'
import { ApiFailure, type Client } from '../api/client.ts'
import { checkedContent } from '../document/checked.ts'
import { useDocument } from '../document/use-document.ts'
import { explainPath } from './actions.ts'

const pairOf = (goal: ExerciseGoal): readonly [string, string] | null =>
  'reach' in goal ? goal.reach : 'isolated' in goal ? goal.isolated : null

function Goal({ result, goal }: { result: GoalResult; goal: ExerciseGoal }) {
  const pair = pairOf(goal)
  return (
    <li
      className={`goal ${result.ok ? 'met' : 'unmet'}`}
      data-goal={result.goal}
      data-goal-ok={String(result.ok)}
    >
      <span className="goal-mark" aria-hidden="true">
        {result.ok ? '✓' : '✗'}
      </span>
      <span className="goal-text">
        {pair ? (
          <button
            type="button"
            className="goal-link"
            title="Explain this path on the canvas"
            onClick={() => explainPath(pair[0], pair[1])}
          >
            {result.goal}
          </button>
        ) : (
          result.goal
        )}
        {!result.ok && (
          <span className="goal-why" data-goal-why>
            {result.why}
          </span>
        )}
      </span>
    </li>
  )
}

/** The last machine grading, kept only while the drawing is the one it graded. */
interface MachineGrade {
  readonly lab: unknown
  readonly reply: CheckReply | { readonly error: string }
}

function MachineCheck({ graded }: { graded: MachineGrade | null }) {
  if (!graded) return null
  if ('error' in graded.reply)
    return (
      <p className="goal-why" data-machine-check="failed">
        {graded.reply.error}
      </p>
    )
  const { reply } = graded
  return (
    <div data-machine-check={reply.gradedFrom} data-machine-check-ok={String(reply.ok)}>
      <p className="exercise-source">{reply.note}</p>
      {reply.gradedFrom === 'machine' && (
        <ul className="goals">
          {reply.goals.map((g, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the goals are the lab's list, in its order
            <li key={i} className={`goal ${g.ok ? 'met' : 'unmet'}`} data-machine-goal-ok={String(g.ok)}>
              <span className="goal-mark" aria-hidden="true">
                {g.ok ? '✓' : '✗'}
              </span>
              <span className="goal-text">
                {g.goal}
                {!g.ok && <span className="goal-why">{g.why}</span>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

export function ExercisePanel({ client }: { client: Client }) {
  const lab = useDocument((s) => s.lab)
  const [machine, setMachine] = useState<MachineGrade | null>(null)
  const [checking, setChecking] = useState(false)
  const checkOnMachine = async () => {
    const drawn = checkLab(useDocument.getState().lab).lab
    if (!drawn) return
    setChecking(true)
    try {
      setMachine({ lab, reply: await client.call('checkLab', { lab: drawn, observed: true }) })
    } catch (e) {
      const detail = e instanceof ApiFailure ? e.problems.map((p) => p.message).join('; ') : ''
      setMachine({ lab, reply: { error: `check failed: ${(e as Error).message} ${detail}`.trim() } })
    } finally {
      setChecking(false)
    }
  }
  // Goals read no positions: the check of the content, not of every dragged position.
  const checked = checkedContent(lab)
  const exercise = checked.lab?.exercise ?? lab.exercise
  const grade = useMemo(
    () => (checked.lab?.exercise ? gradeExercise(checked.lab, checked.lab.exercise) : null),
    [checked],
  )
  if (!exercise) return null
  const met = grade?.goals.filter((g) => g.ok).length ?? 0
  return (
    <section className="exercise-panel" data-panel="exercise" data-exercise-ok={String(grade?.ok ?? false)}>
      <h4>
        Exercise: {exercise.title}{' '}
        <span
          className={`exercise-score${grade?.ok ? ' done' : ''}`}
          data-exercise-score={`${met}/${exercise.goals.length}`}
        >
          {met}/{exercise.goals.length}
        </span>
      </h4>
      {grade ? (
        <ul className="goals">
          {grade.goals.map((result, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the goals are the lab's list, in its order
            <Goal key={i} result={result} goal={exercise.goals[i]!} />
          ))}
        </ul>
      ) : (
        <p className="goal-why">The drawing has errors: fix them to grade the goals.</p>
      )}
      <p className="exercise-source">graded from the drawing</p>
      <button
        type="button"
        data-action="check-machine"
        disabled={checking || !grade}
        onClick={checkOnMachine}
        title="Grade the goals against the applied lab as the kernel and OVS hold it (root)"
      >
        {checking ? 'Checking…' : 'Check on the machine'}
      </button>
      <MachineCheck graded={machine?.lab === lab ? machine : null} />
    </section>
  )
}
