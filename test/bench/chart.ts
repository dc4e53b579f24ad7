// The scaling picture: apply time against N for patchbay, pipework and the lower bound, as a small
// hand-made SVG (three polylines on a log-scaled time axis, so 40 ms and 10 s both read).
import type { ApplyFigure } from './apply.ts'

const W = 640
const H = 400
const M = { left: 70, right: 150, top: 40, bottom: 50 }

interface Series {
  readonly name: string
  readonly colour: string
  readonly points: readonly (readonly [number, number])[]
}

export function scalingSvg(
  figures: readonly ApplyFigure[],
  kind: 'netns' | 'container',
  title: string,
): string {
  const mine = figures.filter((f) => f.kind === kind).sort((a, b) => a.n - b.n)
  const series: Series[] = [
    {
      name: 'pipework',
      colour: '#c0392b',
      points: mine.flatMap((f) => ('median' in f.pipework ? [[f.n, f.pipework.median] as const] : [])),
    },
    { name: 'patchbay', colour: '#2471a3', points: mine.map((f) => [f.n, f.patchbay.apply.median] as const) },
    { name: 'lower bound', colour: '#7f8c8d', points: mine.map((f) => [f.n, f.lowerBound.median] as const) },
  ].filter((s) => s.points.length > 0)
  const ns = mine.map((f) => f.n)
  const ms = series.flatMap((s) => s.points.map(([, y]) => y))
  const maxN = Math.max(...ns)
  const lo = 10 ** Math.floor(Math.log10(Math.min(...ms)))
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...ms)))
  const x = (n: number) => M.left + (n / maxN) * (W - M.left - M.right)
  const y = (v: number) =>
    H -
    M.bottom -
    ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (H - M.top - M.bottom)
  const ticks: string[] = []
  for (let v = lo; v <= hi; v *= 10) {
    ticks.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${M.left - 8}" y="${y(v) + 4}" text-anchor="end">${v >= 1000 ? `${v / 1000} s` : `${v} ms`}</text>`,
    )
  }
  for (const n of ns)
    ticks.push(`<text x="${x(n)}" y="${H - M.bottom + 18}" text-anchor="middle">${n}</text>`)
  const lines = series.map((s, i) => {
    const path = s.points.map(([n, v]) => `${x(n).toFixed(1)},${y(v).toFixed(1)}`).join(' ')
    const dots = s.points.map(
      ([n, v]) => `<circle cx="${x(n).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3.5" fill="${s.colour}"/>`,
    )
    const last = s.points.at(-1)!
    return [
      `<polyline points="${path}" fill="none" stroke="${s.colour}" stroke-width="2"/>`,
      ...dots,
      `<text x="${W - M.right + 10}" y="${M.top + 20 + i * 20}" fill="${s.colour}">${s.name}: ${fmt(last[1])}</text>`,
    ].join('\n')
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<title>${title}</title>
<rect width="${W}" height="${H}" fill="white"/>
<text x="${M.left}" y="22" font-size="14" font-weight="bold">${title}</text>
${ticks.join('\n')}
<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333"/>
<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333"/>
<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">guests on one OVS bridge (N)</text>
${lines.join('\n')}
<text x="${W - M.right + 10}" y="${M.top + 20 + series.length * 20 + 10}" fill="#555">at N=${maxN}, median</text>
</svg>
`
}

const fmt = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`)
