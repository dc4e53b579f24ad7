// The calls for a desktop user who has neither root nor the privileged helper: the app still
// draws, validates, shows domains and plans (against a machine that has nothing yet, since this
// one may not be read), and every call that needs the engine says why it cannot run.
import { domainsReply, opReply, problemReply } from '../../shared/api/replies.ts'
import { broadcastDomains } from '../../shared/l2/domains.ts'
import { loadLab } from '../../shared/lab/load.ts'
import { LOCAL_HOST } from '../../shared/lab/normalize.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { simulatedHostPlace } from '../../shared/plan/device-names.ts'
import type { ObservedHost } from '../../shared/plan/observed.ts'
import { planLab } from '../../shared/plan/plan.ts'
import { defaultStateDir } from './apply/state-file.ts'
import { type EngineCalls, labOf, ServiceError } from './calls.ts'
import { checkLab } from './check-call.ts'
import { explainLab } from './explain-call.ts'

/** A machine as a plan assumes it when it may not look: empty, with the features of a common kernel. */
const unseenHost: ObservedHost = {
  present: false,
  interfaces: [],
  ovs: { bridges: [], ports: [] },
  netns: [],
  guests: {},
  labContainers: [],
  dhcpClients: [],
  capabilities: {
    ovs: true,
    ovsKernelDatapath: true,
    vlan8021q: true,
    bridgeVlanFiltering: true,
    macvlan: true,
    netem: true,
    dhcpClient: ['udhcpc'],
  },
}

const unseenPlaces = (lab: Lab) =>
  Object.fromEntries(
    Object.keys(lab.hosts ?? {}).map((h) => [h, simulatedHostPlace(lab.name, h, defaultStateDir())]),
  )

export function offlineCalls(reason: string): EngineCalls {
  const refuse = async (): Promise<never> => {
    throw new ServiceError('capability', `applying is not available: ${reason}`)
  }
  return {
    validateLab: async ({ text }) => {
      const loaded = loadLab(text)
      return { ok: loaded.lab !== null, problems: loaded.problems.map(problemReply) }
    },
    domains: async ({ lab: input }) => {
      const analysis = broadcastDomains(labOf(input))
      return domainsReply(analysis, analysis.problems)
    },
    // What apply would do on an empty machine, with the reason it cannot run here.
    planLab: async ({ lab: input }) => {
      const lab = labOf(input)
      const plan = planLab(
        lab,
        {
          hosts: Object.fromEntries(
            [LOCAL_HOST, ...Object.keys(lab.hosts ?? {})].map((h) => [h, unseenHost]),
          ),
        },
        { places: unseenPlaces(lab) },
      )
      return {
        planId: 'not-runnable',
        lab: lab.name,
        ops: plan.ops.map(opReply),
        problems: [
          ...plan.problems,
          { kind: 'capability' as const, field: 'lab', message: `applying is not available: ${reason}` },
        ],
      }
    },
    applyPlan: refuse,
    destroyLab: refuse,
    statusLab: refuse,
    verifyLab: refuse,
    explainLab: async ({ lab: input, from, to, observed }) =>
      observed ? refuse() : explainLab(null, labOf(input), from, to, false),
    traceLab: refuse,
    // Without the engine the drawing is all there is; the reply says so.
    checkLab: async ({ lab: input, observed }) => checkLab(null, labOf(input), observed === true),
    bridgeTables: refuse,
    breakLab: refuse,
    discoverMachine: refuse,
    adoptLab: refuse,
    hostInterfaces: async () => ({ interfaces: [] }),
  }
}
