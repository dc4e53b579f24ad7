// A plan before it runs: what is added, changed and removed, each op with its command and the
// pipework line it stands for, copyable; Run applies exactly this plan by its id.
import type { ApiReply } from '../../shared/api/contract.ts'
import type { Client } from '../api/client.ts'
import { useDocument } from '../document/use-document.ts'
import { useLive } from '../live/store.ts'
import { startWatching } from '../live/watching.ts'
import { useUi } from '../ui/store.ts'
import { refreshMachine } from './StatusBar.tsx'

type Plan = ApiReply<'planLab'>
type OpReply = Plan['ops'][number]

const GROUP = { remove: 'removed', create: 'added', change: 'changed' } as const
const groupOf = (op: OpReply) => GROUP[op.effect]

export function PlanView({ plan, client }: { plan: Plan; client: Client }) {
  const { show, setBusy, busy } = useUi()
  const lab = useDocument((s) => s.lab)
  const groups = (['removed', 'added', 'changed'] as const).map(
    (g) => [g, plan.ops.filter((op) => groupOf(op) === g)] as const,
  )
  const commands = plan.ops.map((op) => op.argv.join(' ')).join('\n')
  const progress = useLive((s) => s.progress)
  const run = async () => {
    setBusy('apply')
    // The live stream is open before the run: its steps arrive on it as they finish.
    startWatching(client, lab)
    try {
      const result = await client.call('applyPlan', { planId: plan.planId })
      if ('ran' in result) {
        // The machine moved since this plan was made: nothing ran; the plan it needs now is shown.
        show({ kind: 'plan', plan: result.plan, note: result.why })
        return
      }
      const done = new Set(result.done)
      show({
        kind: 'text',
        title: result.ok
          ? `applied: ${result.done.length} ops in ${result.durationMs} ms`
          : `apply failed at ${result.failed?.id}: ${result.failed?.error}`,
        lines: result.ops.map(
          (op) => `${done.has(op.id) ? '✓' : op.id === result.failed?.id ? '✗' : ' '} ${op.argv.join(' ')}`,
        ),
        failed: !result.ok,
      })
      // Afresh: the namespaces the run made are watched only by a watcher started after them.
      startWatching(client, lab)
      void refreshMachine(client)
    } finally {
      setBusy(null)
    }
  }
  return (
    <div className="plan" data-output="plan">
      {progress && (
        <div className="progress" data-progress={`${progress.done}/${progress.total}`}>
          <progress max={progress.total} value={progress.done} /> {progress.done}/{progress.total}{' '}
          {progress.op}
        </div>
      )}
      <h4>
        plan for {plan.lab}: {plan.ops.length === 0 ? 'in sync, nothing to do' : `${plan.ops.length} ops`}{' '}
        <button
          type="button"
          data-action="run-plan"
          disabled={busy !== null || plan.ops.length === 0}
          onClick={run}
        >
          Run
        </button>{' '}
        <button type="button" onClick={() => navigator.clipboard?.writeText(commands)}>
          Copy commands
        </button>
      </h4>
      {groups.map(([group, ops]) =>
        ops.length === 0 ? null : (
          <div key={group} className={`plan-group ${group}`} data-plan-group={group}>
            <strong>
              {group} ({ops.length})
            </strong>
            <pre>
              {ops
                .map((op) => `${op.pipework ? `# ${op.pipework}\n` : ''}${op.argv.join(' ')}    # ${op.why}`)
                .join('\n')}
            </pre>
          </div>
        ),
      )}
    </div>
  )
}
