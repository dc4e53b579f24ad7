// Verify's answer as a grid: a row per guest interface that pinged, a column per one it pinged.
// Green where the drawing and the machine agree that it reaches, grey where they agree it does
// not, red where they disagree (reached but should not, or should but did not).
import type { ApiReply } from '../../shared/api/contract.ts'

type Pair = Pick<ApiReply<'verifyLab'>['pairs'][number], 'from' | 'to' | 'expected' | 'reachable'> & {
  address?: string
}

const verdict = (p: Pair) =>
  p.expected === p.reachable
    ? p.reachable
      ? { cls: 'reach', mark: '✓', say: 'reaches, as drawn' }
      : { cls: 'isolated', mark: '·', say: 'isolated, as drawn' }
    : p.reachable
      ? { cls: 'leak', mark: '✓!', say: 'reaches, but the drawing says it should not' }
      : { cls: 'broken', mark: '✗', say: 'does not reach, but the drawing says it should' }

export function VerifyGrid({ ok, pairs }: { ok: boolean; pairs: readonly Pair[] }) {
  const members = [...new Set(pairs.flatMap((p) => [p.from, p.to]))]
  const byPair = new Map(pairs.map((p) => [`${p.from}>${p.to}`, p]))
  const wrong = pairs.filter((p) => p.expected !== p.reachable).length
  return (
    <div className="verify" data-output="matrix" data-ok={String(ok)}>
      <h4 className={ok ? 'ok' : 'failed'}>
        verify:{' '}
        {ok
          ? `all ${pairs.length} pairs as drawn`
          : `${wrong} of ${pairs.length} pairs differ from the drawing`}
      </h4>
      <table className="verify-grid">
        <thead>
          <tr>
            <th>from ↓ to →</th>
            {members.map((m) => (
              <th key={m} className="col">
                {m}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {members.map((from) => (
            <tr key={from}>
              <th>{from}</th>
              {members.map((to) => {
                const pair = byPair.get(`${from}>${to}`)
                if (!pair) return <td key={to} className="none" />
                const v = verdict(pair)
                return (
                  <td
                    key={to}
                    className={v.cls}
                    data-pair={`${from}>${to}`}
                    data-reachable={String(pair.reachable)}
                    data-expected={String(pair.expected)}
                    title={`${from} → ${to}${pair.address ? ` (${pair.address})` : ''}: ${v.say}`}
                  >
                    {v.mark}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="verify-key">
        <span className="reach">✓ reaches</span> <span className="isolated">· isolated</span>{' '}
        <span className="leak">✓! reaches, should not</span>{' '}
        <span className="broken">✗ should reach, does not</span>
      </div>
    </div>
  )
}
