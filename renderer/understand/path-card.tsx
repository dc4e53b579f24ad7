// The card over the canvas that goes with the drawn path: the one-sentence why, and for a stepped
// frame the step controls (Prev, Next, Play) and what each link of the current step does with it.
import { useEffect } from 'react'
import type { Explanation } from '../../shared/l2/explain.ts'
import { FATE_COLOUR } from './path-overlay.tsx'
import './understand.css'
import { type Stepping, useUnderstand } from './store.ts'

const STEP_MS = 1100

function hopText(e: Explanation): string[] {
  const out: string[] = []
  e.hops.forEach((h, i) => {
    const prev = e.hops[i - 1]
    // A wire's two hops read as one crossing.
    if (prev && prev.port === h.port && h.port.includes('~')) return
    const tag = h.port.includes('~')
      ? h.vlan === null
        ? ' untagged'
        : ` tag ${h.vlan}`
      : h.vlan !== null
        ? ` VLAN ${h.vlan}`
        : ''
    out.push(
      h.port.includes('~') ? `${h.port}${tag}` : `${h.node}${h.port.includes(':') ? '' : `:${h.port}`}${tag}`,
    )
  })
  return out
}

function ExplainBody({
  e,
  source,
  drawing,
  disagrees,
}: {
  e: Explanation
  source: string
  drawing?: { reachable: boolean; why: string }
  disagrees?: boolean
}) {
  return (
    <>
      <div className="path-title">
        <strong>
          {e.from} → {e.to}
        </strong>{' '}
        <span
          className={`path-verdict ${e.reachable ? 'ok' : 'blocked'}`}
          data-path-reachable={String(e.reachable)}
        >
          {e.reachable ? 'reachable' : 'blocked'}
        </span>
        <span className="path-source">{source}</span>
      </div>
      <div className="path-why" data-path-why>
        {e.why}
      </div>
      {drawing && (
        <div
          className={`path-drawing${disagrees ? ' disagrees' : ''}`}
          data-path-disagrees={String(disagrees ?? false)}
        >
          {disagrees ? 'The drawing disagrees: ' : 'The drawing agrees: '}
          {drawing.why}
        </div>
      )}
      <ol className="path-hops">
        {hopText(e).map((t, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: hops are a fixed list
          <li key={i}>{t}</li>
        ))}
        {e.blockedAt && (
          <li className="blocked" data-path-blocked-at={`${e.blockedAt.node} ${e.blockedAt.port}`}>
            ✕ {e.blockedAt.node} {e.blockedAt.port}
            {e.blockedAt.vlan != null && ` (VLAN ${e.blockedAt.vlan})`}
          </li>
        )}
      </ol>
    </>
  )
}

function StepsBody({ s, index }: { s: Stepping; index: number }) {
  const { step, setPlaying, goTo } = useUnderstand.getState()
  const playing = useUnderstand((st) => st.playing)
  const last = s.steps.length - 1
  const current = s.steps[index]!
  useEffect(() => {
    if (!playing) return
    const timer = setTimeout(() => (index >= last ? setPlaying(false) : step(1)), STEP_MS)
    return () => clearTimeout(timer)
  }, [playing, index, last, step, setPlaying])
  return (
    <>
      <div className="path-title">
        <strong>{s.title}</strong>
        <span className="path-source">
          {s.source === 'simulated' ? 'simulated from the drawing' : 'traced on the machine'}
        </span>
      </div>
      <div className="path-controls">
        <button
          type="button"
          data-path-action="first"
          disabled={index === 0}
          onClick={() => goTo(0)}
          title="First step"
        >
          First
        </button>
        <button type="button" data-path-action="prev" disabled={index === 0} onClick={() => step(-1)}>
          ◀ Prev
        </button>
        <span className="path-counter" data-path-counter={`${index + 1}/${s.steps.length}`}>
          step {index + 1} of {s.steps.length}
        </span>
        <button type="button" data-path-action="next" disabled={index === last} onClick={() => step(1)}>
          Next ▶
        </button>
        <button
          type="button"
          data-path-action="play"
          onClick={() => {
            if (!playing && index === last) goTo(0)
            setPlaying(!playing)
          }}
        >
          {playing ? '❚❚ Pause' : '▶ Play'}
        </button>
      </div>
      <ul className="path-moves">
        {current.moves.map((m, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a step's moves never reorder
          <li key={i} data-move-link={m.linkId} data-move-fate={m.fate}>
            <span className="fate" style={{ background: FATE_COLOUR[m.fate] }}>
              {m.fate}
            </span>{' '}
            {m.why}
          </li>
        ))}
      </ul>
      {index === last && (
        <div className="path-why" data-path-why>
          {s.why}
        </div>
      )}
    </>
  )
}

export function PathCard() {
  const view = useUnderstand((s) => s.view)
  const picking = useUnderstand((s) => s.picking)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') useUnderstand.getState().show(null)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
  if (picking) {
    return (
      <div className="path-card picking" data-path-card="picking">
        {picking.then === 'explain' ? 'Explain the path' : 'Send a frame'} from{' '}
        <strong>{picking.from}</strong> to… click a guest on the canvas (Esc: cancel)
      </div>
    )
  }
  if (!view) return null
  return (
    <div className="path-card" data-path-card={view.kind}>
      <button
        type="button"
        className="path-close"
        data-path-action="close"
        title="Close (Esc)"
        onClick={() => useUnderstand.getState().show(null)}
      >
        ×
      </button>
      {view.kind === 'explain' ? (
        <ExplainBody
          e={view.explanation}
          source={view.source === 'drawing' ? 'explained from the drawing' : 'explained from the machine'}
          drawing={view.drawing}
          disagrees={view.disagrees}
        />
      ) : (
        <StepsBody s={view.stepping} index={view.index} />
      )}
    </div>
  )
}
