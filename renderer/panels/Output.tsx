// The result of the last action: a plan or apply log, or the verify matrix; and the live log.
import type { Client } from '../api/client.ts'
import { useLive } from '../live/store.ts'
import { useUi } from '../ui/store.ts'
import { PlanView } from './PlanView.tsx'

export function Output({ client }: { client: Client }) {
  const output = useUi((s) => s.output)
  const log = useLive((s) => s.log)
  return (
    <div className="output">
      {output.kind === 'text' && (
        <div data-output="text" className={output.failed ? 'failed' : ''}>
          <h4>{output.title}</h4>
          <pre>{output.lines.join('\n')}</pre>
        </div>
      )}
      {output.kind === 'plan' && <PlanView plan={output.plan} client={client} />}
      {output.kind === 'matrix' && (
        <table data-output="matrix" data-ok={String(output.ok)}>
          <thead>
            <tr>
              <th>from</th>
              <th>to</th>
              <th>expected</th>
              <th>reachable</th>
            </tr>
          </thead>
          <tbody>
            {output.pairs.map((p) => (
              <tr
                key={`${p.from}>${p.to}`}
                className={p.expected === p.reachable ? 'ok' : 'mismatch'}
                data-pair={`${p.from}>${p.to}`}
                data-reachable={String(p.reachable)}
              >
                <td>{p.from}</td>
                <td>{p.to}</td>
                <td>{p.expected ? 'yes' : 'no'}</td>
                <td>{p.reachable ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <pre className="live-log" data-live-log>
        {log.join('\n')}
      </pre>
    </div>
  )
}
