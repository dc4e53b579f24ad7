// Guests: bare network namespaces and Docker containers, created when the lab may create them.
import { nodeHost } from '../lab/normalize.ts'
import { emptyPart, type PlanContext, type PlanPart, type PlanProblem } from './context.ts'
import { containerName, DOCKER_LAB_LABEL, DOCKER_NODE_LABEL, nodeMark } from './device-names.ts'
import type { ObservedGuest } from './observed.ts'
import { Phase } from './op.ts'

/**
 * A guest whose state could not be read: nothing is planned for it. Docker not answering is a
 * missing capability (exit 3); a namespace whose reply does not parse is the world differing (1).
 */
export const unreadableProblem = (guest: ObservedGuest, field: string, subject: string): PlanProblem => ({
  kind: guest.kind === 'container' && guest.netns === null ? 'capability' : 'conflict',
  field,
  message: `${subject}: ${guest.unreadable}`,
})

export function planGuests(ctx: PlanContext): PlanPart {
  const part = emptyPart()
  for (const [name, node] of Object.entries(ctx.lab.nodes)) {
    if (nodeHost(node) !== ctx.host) continue
    const seen = ctx.observed.guests[name]
    if (seen?.unreadable !== undefined) {
      part.problems.push(unreadableProblem(seen, `nodes.${name}`, `${node.kind} ${name}`))
      continue
    }
    if (node.kind === 'netns') {
      if (seen?.exists) continue
      part.ops.push(
        {
          id: `netns.create:${name}`,
          host: ctx.host,
          phase: Phase.guests,
          action: 'netns.create',
          effect: 'create',
          exec: { tool: 'ip', target: { kind: 'host' }, line: ['netns', 'add', name] },
          inverse: { tool: 'ip', target: { kind: 'host' }, line: ['netns', 'del', name] },
          pipework: null,
          why: `netns guest ${name} does not exist`,
          node: name,
        },
        {
          // The netns carries its own ownership mark on its loopback device, set in the same
          // `ip -batch` as its links' settings (the namespace must exist before anything runs in it).
          id: `netns.mark:${name}`,
          host: ctx.host,
          phase: Phase.ports,
          action: 'guest.configure',
          effect: 'change',
          exec: {
            tool: 'ip',
            target: { kind: 'netns', name },
            line: ['link', 'set', 'lo', 'up', 'alias', nodeMark(ctx.lab.name, name)],
          },
          inverse: null,
          pipework: null,
          why: `mark ${name} as made by lab ${ctx.lab.name} and bring up its loopback`,
          node: name,
        },
      )
    } else if (node.kind === 'container') {
      const docker = containerName(ctx.lab.name, name, node)
      if (seen?.exists && seen.running) continue
      if (seen?.exists && !seen.owned) {
        part.problems.push({
          kind: 'conflict',
          field: `nodes.${name}`,
          message: `container ${docker} exists but is not running, and this lab did not create it; start it first`,
        })
      } else if (seen?.exists) {
        part.ops.push({
          id: `container.start:${name}`,
          host: ctx.host,
          phase: Phase.guests,
          action: 'container.start',
          effect: 'create',
          exec: { tool: 'docker', call: { kind: 'start', name: docker } },
          inverse: null,
          pipework: null,
          why: `container ${docker} is stopped`,
          node: name,
        })
      } else if (node.image === undefined) {
        part.problems.push({
          kind: 'conflict',
          field: `nodes.${name}`,
          message: `container ${docker} does not exist, and the lab gives no image to create it from`,
        })
      } else {
        part.ops.push({
          id: `container.create:${name}`,
          host: ctx.host,
          phase: Phase.guests,
          action: 'container.create',
          effect: 'create',
          exec: {
            tool: 'docker',
            call: {
              kind: 'create',
              name: docker,
              image: node.image,
              command: node.command ?? [],
              labels: { [DOCKER_LAB_LABEL]: ctx.lab.name, [DOCKER_NODE_LABEL]: name },
            },
          },
          inverse: { tool: 'docker', call: { kind: 'remove', name: docker } },
          pipework: null,
          why: `container ${docker} does not exist; the lab creates it from ${node.image}`,
          node: name,
        })
      }
    }
  }
  return part
}
