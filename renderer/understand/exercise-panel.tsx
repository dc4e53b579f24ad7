// The exercise of a lab that has an `exercise:` block: its goals as a checklist graded live from
// the drawing (shared/l2/goals.ts, the same grading as `patchbay check` without root), each goal
// turning green as the drawing meets it, a failing one saying why in explain's words. Clicking a
// reach or isolated goal explains that path on the canvas.
import { useMemo } from 'react'
import { type GoalResult, gradeExercise } from '../../shared/l2/goals.ts'
import { checkLab } from '../../shared/lab/check.ts'
import type { ExerciseGoal } from '../../shared/lab/schema.ts'
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

export function ExercisePanel() {
  const lab = useDocument((s) => s.lab)
  const checked = useMemo(() => checkLab(lab), [lab])
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
    </section>
  )
}
