// The one contract between renderer, main process, CLI and web server. JSON that tests and users
// rely on is declared here; fields may be added, never renamed.
import { z } from 'zod'

export const ProblemReply = z.object({
  severity: z.enum(['error', 'warning']),
  field: z.string(),
  message: z.string(),
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
})
export type ProblemReply = z.infer<typeof ProblemReply>

export const ValidateReply = z.object({ ok: z.boolean(), problems: z.array(ProblemReply) })
export type ValidateReply = z.infer<typeof ValidateReply>

export const DomainReply = z.object({
  id: z.string(),
  vlan: z.number().int().nullable(),
  /** `node:ifname` of each guest interface in the domain. */
  members: z.array(z.string()),
  bridges: z.array(z.string()),
  hostAddresses: z.array(z.object({ node: z.string(), address: z.string() })),
})
export type DomainReply = z.infer<typeof DomainReply>

export const DomainsReply = z.object({ domains: z.array(DomainReply), problems: z.array(ProblemReply) })
export type DomainsReply = z.infer<typeof DomainsReply>

/** One operation of a plan, as `plan --json` prints it and the editor shows it. */
export const OpReply = z.object({
  id: z.string(),
  action: z.string(),
  argv: z.array(z.string()),
  inverse: z.array(z.string()).nullable(),
  pipework: z.string().nullable(),
  why: z.string(),
  phase: z.number().int(),
  host: z.string(),
  linkId: z.string().optional(),
  node: z.string().optional(),
})
export type OpReply = z.infer<typeof OpReply>

export const PlanProblemReply = z.object({
  kind: z.enum(['capability', 'conflict']),
  field: z.string(),
  message: z.string(),
})

export const PlanReply = z.object({
  lab: z.string(),
  ops: z.array(OpReply),
  problems: z.array(PlanProblemReply),
})
export type PlanReply = z.infer<typeof PlanReply>

export const ApplyReply = z.object({
  ok: z.boolean(),
  lab: z.string(),
  ops: z.array(OpReply),
  done: z.array(z.string()),
  failed: z.object({ id: z.string(), error: z.string() }).nullable(),
  rolledBack: z.array(z.string()),
  problems: z.array(PlanProblemReply),
  durationMs: z.number(),
})
export type ApplyReply = z.infer<typeof ApplyReply>

export const LinkStatusReply = z.object({
  id: z.string(),
  state: z.enum(['up', 'down', 'missing', 'drifted']),
  reasons: z.array(z.string()),
  hostIfname: z.string().optional(),
  guestIfname: z.string().optional(),
  operState: z.string().optional(),
  addresses: z.array(z.string()).optional(),
  /** The guest interface as the kernel has it. */
  mtu: z.number().optional(),
  mac: z.string().optional(),
  /** The VLAN tag of its OVS port, and the bridge its host end really is a port of. */
  vlan: z.number().nullable().optional(),
  bridge: z.string().nullable().optional(),
  rxBytes: z.number().optional(),
  txBytes: z.number().optional(),
})

export type LinkStatusReply = z.infer<typeof LinkStatusReply>

export const StatusReply = z.object({
  inSync: z.boolean(),
  links: z.array(LinkStatusReply),
  extra: z.array(z.object({ id: z.string(), why: z.string() })),
  problems: z.array(PlanProblemReply),
})
export type StatusReply = z.infer<typeof StatusReply>

export const VerifyReply = z.object({
  ok: z.boolean(),
  pairs: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      address: z.string(),
      expected: z.boolean(),
      reachable: z.boolean(),
    }),
  ),
})
export type VerifyReply = z.infer<typeof VerifyReply>

/**
 * Every call the renderer (through preload or `serve`) can make: a request schema and a reply
 * schema each. A lab travels as plain data and is checked by shared/lab on arrival; a command line
 * never travels: the server plans, and apply takes the plan's id.
 */
export const api = {
  validateLab: { req: z.object({ text: z.string() }), res: ValidateReply },
  domains: { req: z.object({ lab: z.unknown(), observed: z.boolean().optional() }), res: DomainsReply },
  planLab: { req: z.object({ lab: z.unknown() }), res: PlanReply.extend({ planId: z.string() }) },
  applyPlan: { req: z.object({ planId: z.string() }), res: ApplyReply },
  destroyLab: { req: z.object({ lab: z.unknown() }), res: ApplyReply },
  statusLab: { req: z.object({ lab: z.unknown() }), res: StatusReply },
  verifyLab: { req: z.object({ lab: z.unknown() }), res: VerifyReply },
  /** The machine's own NICs, to pick an uplink from. */
  hostInterfaces: {
    req: z.object({}),
    res: z.object({
      interfaces: z.array(z.object({ name: z.string(), mac: z.string(), operState: z.string() })),
    }),
  },
} as const

export type ApiCall = keyof typeof api
export type ApiRequest<C extends ApiCall> = z.infer<(typeof api)[C]['req']>
export type ApiReply<C extends ApiCall> = z.infer<(typeof api)[C]['res']>

/** What a failed call answers: the problems with the lab (nothing ran), or the reason. */
export const ApiError = z.object({ error: z.string(), problems: z.array(ProblemReply).optional() })
export type ApiError = z.infer<typeof ApiError>

/** Messages on the live WebSocket: the client subscribes to a lab; the server streams its events. */
export const WatchRequest = z.object({ type: z.literal('watch'), lab: z.unknown() })
