// For a desktop user who is not root: the privileged helper, started once through pkexec, spoken
// to over JSON-RPC on its stdio. When it cannot be had (no pkexec, the user cancels), the app
// still draws, validates and shows domains, and every engine call says why it cannot run.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { type ApiCall, type ApiReply, type ApiRequest, api, FILE_CALLS } from '../../shared/api/contract.ts'
import { domainsReply, opReply, problemReply } from '../../shared/api/replies.ts'
import { broadcastDomains } from '../../shared/l2/domains.ts'
import { checkLab } from '../../shared/lab/check.ts'
import { loadLab } from '../../shared/lab/load.ts'
import { LOCAL_HOST } from '../../shared/lab/normalize.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { simulatedHostPlace } from '../../shared/plan/device-names.ts'
import type { ObservedHost } from '../../shared/plan/observed.ts'
import { planLab } from '../../shared/plan/plan.ts'
import { defaultStateDir } from '../core/apply/state-file.ts'

export type Handlers = { [C in ApiCall]: (req: ApiRequest<C>) => Promise<ApiReply<C>> }
/** The calls that need the engine; the file calls are the app's own (core/file-calls.ts). */
export type EngineHandlers = Omit<Handlers, (typeof FILE_CALLS)[number]>
const engineCalls = (Object.keys(api) as ApiCall[]).filter(
  (c) => !(FILE_CALLS as readonly string[]).includes(c),
)

const PKEXEC = '/usr/bin/pkexec'

/** Starts the helper through pkexec (the polkit action build/org.patchbay.helper.policy). */
export function helperHandlers(helperArgv: readonly string[]): EngineHandlers {
  let child: ChildProcess | null = null
  let nextId = 1
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const start = (): ChildProcess => {
    if (child) return child
    if (!existsSync(PKEXEC))
      throw new Error(
        'applying needs root, and pkexec is not installed; run patchbay as root or install policykit-1',
      )
    const spawned = spawn(PKEXEC, [...helperArgv], { stdio: ['pipe', 'pipe', 'inherit'] })
    createInterface({ input: spawned.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { id: number; result?: unknown; error?: { message: string } }
      const pending = waiting.get(message.id)
      waiting.delete(message.id)
      if (message.error) pending?.reject(new Error(message.error.message))
      else pending?.resolve(message.result)
    })
    spawned.on('exit', (code) => {
      child = null
      // pkexec exits 126 when the user dismisses the dialog, 127 when not authorised.
      const why =
        code === 126 ? 'you cancelled the authentication' : `the privileged helper ended (exit ${code})`
      for (const p of waiting.values()) p.reject(new Error(`applying needs root: ${why}`))
      waiting.clear()
    })
    child = spawned
    return spawned
  }
  const call = <C extends ApiCall>(method: C) =>
    ((params: ApiRequest<C>) =>
      new Promise<unknown>((resolve, reject) => {
        const id = nextId++
        // The helper's replies are checked like any other untrusted input.
        waiting.set(id, { resolve: (v) => resolve(api[method].res.parse(v) as unknown), reject })
        try {
          start().stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`)
        } catch (e) {
          waiting.delete(id)
          reject(e as Error)
        }
      })) as Handlers[C]
  return Object.fromEntries(engineCalls.map((c) => [c, call(c)])) as unknown as EngineHandlers
}

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
    dhcpClient: ['udhcpc'],
  },
}

const unseenPlaces = (lab: Lab) =>
  Object.fromEntries(
    Object.keys(lab.hosts ?? {}).map((h) => [h, simulatedHostPlace(lab.name, h, defaultStateDir())]),
  )

/** What a user without root and without the helper can still do: draw, validate, see domains, plan. */
export function unprivilegedHandlers(reason: string): EngineHandlers {
  const refuse = async (): Promise<never> => {
    throw new Error(`applying is not available: ${reason}`)
  }
  return {
    validateLab: async ({ text }) => {
      const loaded = loadLab(text)
      return { ok: loaded.lab !== null, problems: loaded.problems.map(problemReply) }
    },
    domains: async ({ lab }) => {
      const checked = checkLab(lab)
      if (!checked.lab) throw new Error('the lab has errors')
      const analysis = broadcastDomains(checked.lab)
      return domainsReply(analysis, analysis.problems)
    },
    // A plan against a machine that has nothing yet: what apply would do there, with the reason
    // it cannot run here; nothing of this machine is read.
    planLab: async ({ lab }) => {
      const checked = checkLab(lab)
      if (!checked.lab) throw new Error('the lab has errors')
      const plan = planLab(
        checked.lab,
        {
          hosts: Object.fromEntries(
            [LOCAL_HOST, ...Object.keys(checked.lab.hosts ?? {})].map((h) => [h, unseenHost]),
          ),
        },
        { places: unseenPlaces(checked.lab) },
      )
      return {
        planId: 'not-runnable',
        lab: checked.lab.name,
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
    hostInterfaces: async () => ({ interfaces: [] }),
  }
}
