// The result of the last action: a plan or apply log, or the verify matrix; and the live log.
import type { Client } from '../api/client.ts'
import { useLive } from '../live/store.ts'
import { useUi } from '../ui/store.ts'
import { PlanView } from './PlanView.tsx'
import { VerifyGrid } from './VerifyGrid.tsx'

export function Output({ client }: { client: Client }) {
  const output = useUi((s) => s.output)
  const log = useLive((s) => s.log)
  return (
    // Nothing to show yet: a thin strip, not 180 px of empty panel under the canvas.
    <div className={`output${output.kind === 'none' && log.length === 0 ? ' empty' : ''}`}>
      {output.kind === 'text' && (
        <div data-output="text" className={output.failed ? 'failed' : ''}>
          <h4>{output.title}</h4>
          <pre>{output.lines.join('\n')}</pre>
        </div>
      )}
      {output.kind === 'plan' && <PlanView plan={output.plan} note={output.note} client={client} />}
      {output.kind === 'matrix' && <VerifyGrid ok={output.ok} pairs={output.pairs} />}
      <pre className="live-log" data-live-log>
        {log.join('\n')}
      </pre>
    </div>
  )
}
