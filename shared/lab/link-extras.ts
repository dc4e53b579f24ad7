// Rules for a link's `netem:` and `state:` that need the nodes it joins: an impairment needs a
// device of the lab's own on the host, and the lab never takes a NIC of the local machine down.
import { LOCAL_HOST, nodeHost } from './normalize.ts'
import { error, type LabPath, type Problem } from './problem.ts'
import type { Lab, LabLink } from './schema.ts'

export function checkLinkExtras(lab: Lab, link: LabLink, at: (...rest: (string | number)[]) => LabPath) {
  const problems: Problem[] = []
  const uplinks = ('guest' in link ? [link.to] : link.between).filter(
    (name) => lab.nodes[name]?.kind === 'uplink',
  )
  if (link.netem && uplinks.length > 0) {
    problems.push(
      error(
        at('netem'),
        `${uplinks[0]} is an uplink: an impairment needs a device the lab makes on the host (a guest link to a bridge, a wire between bridges)`,
      ),
    )
  }
  if (link.state === 'down' && !('guest' in link)) {
    const local = uplinks.find((name) => {
      const node = lab.nodes[name]
      return node !== undefined && nodeHost(node) === LOCAL_HOST
    })
    if (local)
      problems.push(
        error(at('state'), `${local} is a NIC of this machine: the lab never takes a real NIC down`),
      )
  }
  return problems
}
