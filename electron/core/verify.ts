// Real pings between the lab's guests, from inside each guest's namespace, compared with what the
// drawing says should reach what.
import { broadcastDomains } from '../../shared/l2/domains.ts'
import { expectedPairs } from '../../shared/l2/reachability.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { containerName } from '../../shared/plan/device-names.ts'
import type { ContainerRuntime } from './drivers/container-runtime.ts'
import type { Runner } from './exec/runner.ts'

export interface VerifiedPair {
  readonly from: string
  readonly to: string
  readonly address: string
  readonly expected: boolean
  readonly reachable: boolean
}

export interface VerifyReport {
  readonly ok: boolean
  readonly pairs: readonly VerifiedPair[]
}

const PARALLEL = 16

export async function verifyLab(
  lab: Lab,
  deps: { run: Runner; containers: ContainerRuntime; here?: string },
): Promise<VerifyReport> {
  // On one machine of a lab spread over machines: the pings from the guests this machine holds.
  const guestOf = (member: string) => lab.nodes[member.slice(0, member.lastIndexOf(':'))]
  const pairs = expectedPairs(broadcastDomains(lab)).filter(
    (pair) => deps.here === undefined || guestOf(pair.from)?.host === deps.here,
  )
  const prefixes = new Map<string, Promise<string[] | null>>()
  const enter = (guest: string): Promise<string[] | null> => {
    let prefix = prefixes.get(guest)
    if (!prefix) {
      const node = lab.nodes[guest]
      prefix =
        node?.kind === 'container'
          ? deps.containers
              .inspect(containerName(lab.name, guest, node))
              .then((c) => (c?.running ? ['nsenter', '-t', String(c.pid), '-n'] : null))
          : Promise.resolve(['ip', 'netns', 'exec', guest])
      prefixes.set(guest, prefix)
    }
    return prefix
  }
  const results: VerifiedPair[] = new Array(pairs.length)
  let next = 0
  const worker = async () => {
    while (next < pairs.length) {
      const i = next++
      const pair = pairs[i]!
      const prefix = await enter(pair.from.slice(0, pair.from.lastIndexOf(':')))
      // Two probes: the first may be spent on ARP and a bridge learning the address.
      const ping = prefix
        ? await deps.run.run(
            [...prefix, 'ping', '-n', '-q', '-c', '2', '-i', '0.2', '-W', '1', pair.address],
            { allowFailure: true },
          )
        : null
      results[i] = {
        from: pair.from,
        to: pair.to,
        address: pair.address,
        expected: pair.expected,
        reachable: ping?.exitCode === 0,
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, pairs.length) }, worker))
  return { ok: results.every((p) => p.expected === p.reachable), pairs: results }
}
