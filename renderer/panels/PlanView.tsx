// A plan before it runs, as a diff: what it creates, changes and removes, with counts; per link or
// node the pipework line it stands for, and each op's command, expandable and copyable. Run applies
// exactly this plan by its id (or, when the machine moved since, shows the plan it needs now).
import type { ApiReply } from '../../shared/api/contract.ts'
import type { Client } from '../api/client.ts'
import { useDocument } from '../document/use-document.ts'
import { useLive } from '../live/store.ts'
import { startWatching } from '../live/watching.ts'
import { useUi } from '../ui/store.ts'
import { refreshMachine } from './StatusBar.tsx'

type Plan = ApiReply<'planLab'>
type OpReply = Plan['ops'][number]

const EFFECTS = [
  ['create', 'create'],
  ['change', 'change'],
  ['remove', 'remove'],
] as const

/** The ops of one link or node in a group: the pipework lines they stand for, each shown once. */
function subjects(ops: readonly OpReply[]): [string, OpReply[]][] {
  const out = new Map<string, OpReply[]>()
  for (const op of ops) {
    const subject = op.linkId ?? op.node ?? `host ${op.host}`
    out.set(subject, [...(out.get(subject) ?? []), op])
  }
  return [...out]
}

function Copy({ text, what }: { text: string; what: string }) {
  return (
    <button
      type="button"
      className="copy"
      title={`copy ${what}`}
      data-copy={what}
      onClick={(e) => {
        e.preventDefault()
        void navigator.clipboard?.writeText(text)
      }}
    >
      copy
    </button>
  )
}

function OpGroup({ effect, ops }: { effect: OpReply['effect']; ops: readonly OpReply[] }) {
  return (
    <details className={`plan-group ${effect}`} data-plan-group={effect} open={ops.length <= 40}>
      <summary>
        <span className="effect">{effect}</span> <span className="count">{ops.length}</span>
      </summary>
      {subjects(ops).map(([subject, mine]) => {
        const pipework = [...new Set(mine.map((op) => op.pipework).filter((l) => l !== null))]
        return (
          <details key={subject} className="plan-subject" data-plan-subject={subject}>
            <summary>
              <strong>{subject}</strong> <span className="muted">{mine.length} ops</span>
              {pipework.map((line) => (
                <span key={line}>
                  {' '}
                  <code className="pipework"># {line}</code> <Copy text={line} what="pipework line" />
                </span>
              ))}
            </summary>
            {mine.map((op) => (
              <div key={op.id} className="plan-op" data-op={op.id}>
                <code>{op.argv.join(' ')}</code> <Copy text={op.argv.join(' ')} what="command" />
                <div className="why">
                  {op.action}: {op.why}
                </div>
              </div>
            ))}
          </details>
        )
      })}
    </details>
  )
}

export function PlanView({ plan, note, client }: { plan: Plan; note?: string | undefined; client: Client }) {
  const { show, setBusy, busy } = useUi()
  const lab = useDocument((s) => s.lab)
  const groups = EFFECTS.map(([effect]) => [effect, plan.ops.filter((op) => op.effect === effect)] as const)
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
      {note && (
        <p className="plan-note" data-plan-note>
          {note}
        </p>
      )}
      <div className="plan-counts" data-plan-counts>
        {groups.map(([effect, ops]) => (
          <span key={effect} className={`plan-count ${effect}`} data-count={effect}>
            {ops.length} {effect}
          </span>
        ))}
      </div>
      {groups.map(([effect, ops]) =>
        ops.length === 0 ? null : <OpGroup key={effect} effect={effect} ops={ops} />,
      )}
    </div>
  )
}
