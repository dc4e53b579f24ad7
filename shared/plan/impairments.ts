// A link's `netem:` as the root qdisc of one device the lab owns: a guest link's host end (traffic
// towards the guest), a wire's first end (traffic from between[0] to between[1]). docs/lab-file.md
// says why. A qdisc the lab no longer declares is removed; one changed by hand is put back.
import { describeNetem, NETEM_ONLY_FIELDS, type NetemSpec, needsNetem } from '../lab/netem.ts'
import { nodeHost } from '../lab/normalize.ts'
import type { Lab } from '../lab/schema.ts'
import { emptyPart, type PlanContext, type PlanPart } from './context.ts'
import { guestHostEnd, parseMark, wireDevices } from './device-names.ts'
import { linkOps, Phase } from './op.ts'
import { desiredQdisc, qdiscDrift } from './qdisc.ts'
import { shellLine } from './shell-words.ts'

interface Impaired {
  readonly index: number
  readonly ctx: PlanContext
  readonly device: string
  readonly netem: NetemSpec | undefined
}

/** The device each link's qdisc sits on, or null for links that can carry none (uplinks). */
function impairedDevice(lab: Lab, index: number, ctxOf: Map<string, PlanContext>): Impaired | null {
  const link = lab.links?.[index]
  if (!link) return null
  if ('guest' in link) {
    const guest = lab.nodes[link.guest]
    const to = lab.nodes[link.to]
    if (!guest || !to || (to.kind !== 'ovs-bridge' && to.kind !== 'linux-bridge')) return null
    const ctx = ctxOf.get(nodeHost(guest))
    if (!ctx || ctx.observed.guests[link.guest]?.unreadable !== undefined) return null
    return { index, ctx, device: guestHostEnd(lab.name, link), netem: link.netem }
  }
  if (link.between.some((n) => lab.nodes[n]?.kind === 'uplink')) return null
  const first = lab.nodes[link.between[0]]
  const ctx = first ? ctxOf.get(nodeHost(first)) : undefined
  return ctx ? { index, ctx, device: wireDevices(lab, link)[0], netem: link.netem } : null
}

/** `tc` (in the host's netns) for one device's root qdisc. */
const tc = (ctx: PlanContext, words: readonly string[]): string[] => [
  'tc',
  ...(ctx.place.netns ? ['-n', ctx.place.netns] : []),
  'qdisc',
  ...words,
]

export function planImpairments(lab: Lab, ctxs: readonly PlanContext[]): PlanPart {
  const part = emptyPart()
  const ctxOf = new Map(ctxs.map((c) => [c.host, c]))
  ;(lab.links ?? []).forEach((_, index) => {
    const place = impairedDevice(lab, index, ctxOf)
    if (!place) return
    const { ctx, device, netem } = place
    const linkId = ctx.linkIds[index]!
    const want = desiredQdisc(netem)
    if (needsNetem(netem) && !ctx.observed.capabilities.netem) {
      const fields = NETEM_ONLY_FIELDS.filter((f) => netem?.[f] !== undefined).join(', ')
      part.problems.push({
        kind: 'capability',
        field: `links[${index}]`,
        message: `link ${linkId}: ${fields} needs the kernel's netem qdisc (sch_netem), which this kernel (host ${ctx.host}) lacks; only rate works without it`,
      })
      return
    }
    const seen = ctx.observed.interfaces.find((i) => i.name === device)
    // Only the lab's own device: one that is not is a conflict the link's own planner reports.
    if (seen && parseMark(seen.alias)?.lab !== lab.name) return
    // A device still to be made has no qdisc yet; one that is there may have drifted.
    const drift = seen ? qdiscDrift(want, seen.qdisc ?? null) : want ? 'is to be made' : null
    if (drift === null) return
    const argv = want
      ? tc(ctx, ['replace', 'dev', device, 'root', ...want.args])
      : tc(ctx, ['del', 'dev', device, 'root'])
    const op = linkOps({ stem: linkId, host: ctx.host, linkId, pipework: () => shellLine(argv) })
    part.ops.push(
      op({
        action: want ? 'qdisc.set' : 'qdisc.delete',
        phase: Phase.configure,
        exec: { tool: 'cmd', argv },
        inverse: null,
        why: want
          ? `${linkId}: ${device} ${drift}; the lab says ${describeNetem(netem)}`
          : `${linkId}: ${device} ${drift}`,
        implies: 'drifted',
      }),
    )
  })
  return part
}
