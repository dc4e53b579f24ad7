// The one contract between renderer, main process, CLI and web server. JSON that tests and users
// rely on is declared here; fields may be added, never renamed.
import { z } from 'zod'
import { isLabName } from '../lab/names.ts'

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

/** Where the domains on the machine differ from the drawn ones (domains with `observed`). */
export const DomainDisagreementReply = z.object({
  kind: z.enum(['split', 'joined', 'vlan', 'missing', 'extra']),
  members: z.array(z.string()),
  message: z.string(),
})

export const DomainsReply = z.object({
  domains: z.array(DomainReply),
  problems: z.array(ProblemReply),
  disagreements: z.array(DomainDisagreementReply).optional(),
})
export type DomainsReply = z.infer<typeof DomainsReply>

/** One operation of a plan, as `plan --json` prints it and the editor shows it. */
export const OpReply = z.object({
  id: z.string(),
  action: z.string(),
  /** What it does to the machine: the plan view groups ops by it. */
  effect: z.enum(['create', 'change', 'remove']),
  argv: z.array(z.string()),
  inverse: z.array(z.string()).nullable(),
  pipework: z.string().nullable(),
  why: z.string(),
  phase: z.number().int(),
  host: z.string(),
  linkId: z.string().optional(),
  /** On a link's ops: the state status reports for the link while this op is still to run. */
  implies: z.enum(['missing', 'drifted', 'down']).optional(),
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
  /** Only when a rollback left something it could not undo: each such op's error. */
  rollbackErrors: z.array(z.string()).optional(),
  /** Only when an earlier run had been interrupted: how many of its steps were undone first. */
  recovered: z.object({ undone: z.number().int(), failed: z.number().int() }).optional(),
})
export type ApplyReply = z.infer<typeof ApplyReply>

export const LinkStatusReply = z.object({
  id: z.string(),
  /** `admin-down`: down because the lab says `state: down` (on purpose, not a failure). */
  state: z.enum(['up', 'down', 'admin-down', 'missing', 'drifted']),
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
  /** What the machine that answered can do (`status` prints it); absent for a lab over machines. */
  capabilities: z
    .object({
      ovs: z.boolean(),
      ovsKernelDatapath: z.boolean(),
      vlan8021q: z.boolean(),
      bridgeVlanFiltering: z.boolean(),
      macvlan: z.boolean(),
      netem: z.boolean(),
      dhcpClient: z.array(z.string()).nullable(),
    })
    .optional(),
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

/** One hop of explain: a guest's interface, or a bridge's port (`guest:ifname` or a wire's `a~b`). */
export const ExplainHop = z.object({ node: z.string(), port: z.string(), vlan: z.number().int().nullable() })

export const ExplainReply = z.object({
  from: z.string(),
  to: z.string(),
  reachable: z.boolean(),
  hops: z.array(ExplainHop),
  blockedAt: z
    .object({ node: z.string(), port: z.string(), vlan: z.number().int().nullable().optional() })
    .nullable(),
  why: z.string(),
  /** Explained from the drawing, or from the lab as the kernel and OVS hold it. */
  explainedFrom: z.enum(['drawing', 'machine']).optional(),
  /** From the machine: what the drawing says, and whether the two answers differ. */
  drawing: z.object({ reachable: z.boolean(), why: z.string() }).optional(),
  disagrees: z.boolean().optional(),
})
export type ExplainReply = z.infer<typeof ExplainReply>

export const TraceFrameKind = z.enum(['arp-request', 'arp-reply', 'echo-request', 'echo-reply'])

/** A frame seen (or, on the path, not seen) at one port of the lab during a trace. */
export const TraceHop = z.object({
  node: z.string(),
  /** As explain names ports: the guest's ifname, or on a bridge the link id. */
  port: z.string(),
  /** The frame's outer 802.1Q tag on this port; null when untagged (or not seen). */
  vlan: z.number().int().nullable(),
  seen: z.boolean(),
  /** The frame in words: `ARP who-has 10.0.0.2 tell 10.0.0.1`. */
  frame: z.string(),
  kind: TraceFrameKind,
  /** Microseconds after the trace's first frame; null when not seen. */
  atUs: z.number().nullable(),
  host: z.string(),
  device: z.string(),
  srcMac: z.string().nullable(),
  dstMac: z.string().nullable(),
})
export type TraceHop = z.infer<typeof TraceHop>

export const TraceReply = z.object({
  /** `guest:ifname` of each end. */
  from: z.string(),
  to: z.string(),
  /** B's address the ARP asked for and the ping went to. */
  address: z.string(),
  /** A's frames were seen on B's own interface. */
  reached: z.boolean(),
  /** The ping was answered. */
  replied: z.boolean(),
  /** Every sighting in the order seen, then the ports of the path the ARP request never reached. */
  hops: z.array(TraceHop),
  /** The ports from A to B through the lab's cables, and whether A's ARP request was seen there. */
  path: z.array(
    z.object({ node: z.string(), port: z.string(), seen: z.boolean(), vlan: z.number().int().nullable() }),
  ),
  /** Not reached: the last port of the path where A's ARP request was seen. */
  stoppedAt: z.object({ node: z.string(), port: z.string() }).nullable(),
  why: z.string(),
  /** How many ports were captured on at once. */
  captured: z.number().int(),
  /** Ports not captured on, and why (a container not running, a device missing, tcpdump refusing). */
  skipped: z.array(z.object({ node: z.string(), port: z.string(), device: z.string(), why: z.string() })),
})
export type TraceReply = z.infer<typeof TraceReply>

const GuestArg = z.string().min(1).max(64)
/** This machine as a lab (`patchbay discover`): its YAML, and what was left out, one sentence each. */
export const DiscoverReply = z.object({
  lab: z.unknown(),
  /** The lab as a lab file. */
  text: z.string(),
  notes: z.array(z.string()),
})
export type DiscoverReply = z.infer<typeof DiscoverReply>

/** What `patchbay adopt` marked as the lab's, and what it left as it was (each one line). */
export const AdoptReply = z.object({
  ok: z.boolean(),
  lab: z.string(),
  marked: z.array(z.string()),
  left: z.array(z.string()),
  failed: z.object({ id: z.string(), error: z.string() }).nullable(),
})
export type AdoptReply = z.infer<typeof AdoptReply>

/** One address a bridge learned: on which port (device, and the lab's node and port), in which VLAN. */
export const FdbEntry = z.object({
  mac: z.string(),
  /** OVS: the VLAN it was learned in (0 untagged); Linux: the entry's VLAN when filtering, else null. */
  vlan: z.number().int().nullable(),
  device: z.string().nullable(),
  node: z.string().nullable(),
  port: z.string().nullable(),
  ageSeconds: z.number().nullable(),
  /** The bridge's own or a port's own address, not learned. */
  local: z.boolean(),
})

/** A port's VLAN membership as OVS or the kernel holds it. */
export const PortVlans = z.object({
  device: z.string(),
  node: z.string().nullable(),
  port: z.string().nullable(),
  /** OVS: tag, trunks and vlan_mode read back ([] and null when unset). */
  tag: z.number().int().nullable(),
  trunks: z.array(z.number().int()),
  vlanMode: z.string().nullable(),
  /** A filtering Linux bridge's VLANs of the port; null where the bridge does not filter (or OVS). */
  vlans: z.array(z.object({ vlan: z.number().int(), pvid: z.boolean(), untagged: z.boolean() })).nullable(),
})

export const BridgeTable = z.object({
  bridge: z.string(),
  host: z.string(),
  kind: z.enum(['ovs-bridge', 'linux-bridge']),
  /** The bridge is on the machine. */
  present: z.boolean(),
  fdb: z.array(FdbEntry),
  ports: z.array(PortVlans),
  /** Linux bridges: whether the kernel filters VLANs on it; null for OVS. */
  vlanFiltering: z.boolean().nullable(),
  /** One sentence when something could not be read or does not apply (no VLAN filtering here). */
  note: z.string().nullable(),
})
export type BridgeTable = z.infer<typeof BridgeTable>

/** An exercise's goals graded (`patchbay check`), from the machine when applied or from the drawing. */
export const CheckReply = z.object({
  ok: z.boolean(),
  gradedFrom: z.enum(['drawing', 'machine']),
  note: z.string(),
  goals: z.array(z.object({ goal: z.string(), ok: z.boolean(), why: z.string() })),
})
export type CheckReply = z.infer<typeof CheckReply>

/** One L2 fault `exercise break` injected: the editor keeps it hidden until asked to reveal it. */
export const BreakReply = z.object({
  lab: z.string(),
  fault: z.object({
    kind: z.enum(['retag', 'prune', 'native', 'down']),
    link: z.string(),
    device: z.string(),
    description: z.string(),
  }),
})
export type BreakReply = z.infer<typeof BreakReply>

export const BridgeTablesReply = z.object({ lab: z.string(), bridges: z.array(BridgeTable) })
export type BridgeTablesReply = z.infer<typeof BridgeTablesReply>

/** A lab file as the editor opens it: its text, the lab when valid, else problems with their lines. */
export const OpenedLabReply = z.object({
  /** The name the page uses for this file in later calls (relative to serve's --dir, or as granted). */
  path: z.string(),
  /** A hash of the text on disk; a save names the version it edits. */
  version: z.string(),
  text: z.string(),
  lab: z.unknown(),
  problems: z.array(ProblemReply),
})
export type OpenedLabReply = z.infer<typeof OpenedLabReply>

export const SavedLabReply = z.object({
  saved: z.boolean(),
  path: z.string(),
  version: z.string(),
  /** Nothing was written: the file on disk is no longer the version the page edited. */
  changedOnDisk: z.boolean().optional(),
})
export type SavedLabReply = z.infer<typeof SavedLabReply>

const FileName = z.string().min(1).max(4096)

export const PlanWithIdReply = PlanReply.extend({ planId: z.string() })
export type PlanWithIdReply = z.infer<typeof PlanWithIdReply>

/** Run did not run: the machine changed since the plan was shown; here is the plan it needs now. */
export const ReplannedReply = z.object({
  ran: z.literal(false),
  why: z.string(),
  plan: PlanWithIdReply,
  /** The machine changed because an interrupted earlier run was undone first: how many of its steps. */
  recovered: z.object({ undone: z.number().int(), failed: z.number().int() }).optional(),
})
export type ReplannedReply = z.infer<typeof ReplannedReply>

/**
 * Every call the renderer (through preload or `serve`) can make: a request schema and a reply
 * schema each. A lab travels as plain data and is checked by shared/lab on arrival; a command line
 * never travels: the server plans, and apply takes the plan's id.
 */
export const api = {
  validateLab: { req: z.object({ text: z.string() }), res: ValidateReply },
  domains: { req: z.object({ lab: z.unknown(), observed: z.boolean().optional() }), res: DomainsReply },
  planLab: { req: z.object({ lab: z.unknown() }), res: PlanWithIdReply },
  /** Runs the plan shown, or (when the machine has moved since) answers with the plan it needs now. */
  applyPlan: { req: z.object({ planId: z.string() }), res: z.union([ApplyReply, ReplannedReply]) },
  destroyLab: { req: z.object({ lab: z.unknown() }), res: ApplyReply },
  statusLab: { req: z.object({ lab: z.unknown() }), res: StatusReply },
  verifyLab: { req: z.object({ lab: z.unknown() }), res: VerifyReply },
  /** Why A reaches B or not: from the drawing, or (observed, root) from the machine beside the drawing. */
  explainLab: {
    req: z.object({ lab: z.unknown(), from: GuestArg, to: GuestArg, observed: z.boolean().optional() }),
    res: ExplainReply,
  },
  /** Real frames: tcpdump on every port of the applied lab while A sends one ARP request and one ping to B. */
  traceLab: { req: z.object({ lab: z.unknown(), from: GuestArg, to: GuestArg }), res: TraceReply },
  /** Grades the lab's exercise goals: from the machine when `observed` and applied (root), else the drawing. */
  checkLab: { req: z.object({ lab: z.unknown(), observed: z.boolean().optional() }), res: CheckReply },
  /** Injects one random L2 fault into the applied lab, on what it owns (apply repairs it). */
  breakLab: { req: z.object({ lab: z.unknown() }), res: BreakReply },
  /** Each bridge's learned MAC table and its ports' VLAN membership, as the machine holds them. */
  bridgeTables: { req: z.object({ lab: z.unknown() }), res: BridgeTablesReply },
  /** This machine's bridges, guests and cables as a lab; reads only, marks nothing. */
  discoverMachine: {
    req: z.object({
      name: z.string().refine(isLabName, 'not a lab name: 1-32 of a-z 0-9 -').optional(),
      includeDockerNetworks: z.boolean().optional(),
    }),
    res: DiscoverReply,
  },
  /** Marks the parts of the machine that already are what the lab says as the lab's. */
  adoptLab: { req: z.object({ lab: z.unknown() }), res: AdoptReply },
  /** The machine's own NICs, to pick an uplink from. */
  hostInterfaces: {
    req: z.object({}),
    res: z.object({
      interfaces: z.array(z.object({ name: z.string(), mac: z.string(), operState: z.string() })),
    }),
  },
  /** The lab files this editor may use: the one it was started with, those under its folder. */
  labFiles: {
    req: z.object({}),
    res: z.object({
      opened: z.string().nullable(),
      dir: z.string().nullable(),
      files: z.array(z.string()),
      /** A native file dialog is there (the desktop app): chooseLabFile answers. */
      dialogs: z.boolean(),
    }),
  },
  /** A native Open or Save As dialog (desktop app); the file chosen may then be opened or saved. */
  chooseLabFile: {
    req: z.object({ purpose: z.enum(['open', 'save']), suggestedName: FileName.optional() }),
    res: z.object({ path: z.string().nullable() }),
  },
  /** Reads a lab file (no path: the one the editor was started with). */
  openLab: { req: z.object({ path: FileName.optional() }), res: OpenedLabReply },
  /** Writes the lab into its file, keeping the file's comments, order and one-line links. */
  saveLab: {
    req: z.object({
      path: FileName.optional(),
      lab: z.unknown(),
      /** The version the page opened (null: it expects to create the file). */
      version: z.string().nullable(),
      overwrite: z.boolean().optional(),
    }),
    res: SavedLabReply,
  },
} as const

/** The calls that touch the user's files: answered by the app itself, never by the root helper. */
export const FILE_CALLS = ['labFiles', 'chooseLabFile', 'openLab', 'saveLab'] as const

/** Told to every open editor: its lab file changed on disk by another hand (version null: deleted). */
export const LabFileChangedEvent = z.object({
  type: z.literal('lab-file-changed'),
  path: z.string(),
  version: z.string().nullable(),
})
export type LabFileChangedEvent = z.infer<typeof LabFileChangedEvent>

/** The desktop app's File menu, passed to the page, which does what its own buttons do. */
export const MenuCommandEvent = z.object({
  type: z.literal('menu'),
  command: z.enum(['new', 'open', 'open-machine', 'save', 'save-as']),
})
export type MenuCommandEvent = z.infer<typeof MenuCommandEvent>

export const EditorEvent = z.discriminatedUnion('type', [LabFileChangedEvent, MenuCommandEvent])
export type EditorEvent = z.infer<typeof EditorEvent>

export type ApiCall = keyof typeof api
export type ApiRequest<C extends ApiCall> = z.infer<(typeof api)[C]['req']>
export type ApiReply<C extends ApiCall> = z.infer<(typeof api)[C]['res']>

/** Is `name` one of the contract's calls (its own keys only: never `toString` or `__proto__`)? */
export const isApiCall = (name: string): name is ApiCall => Object.hasOwn(api, name)

/**
 * Why a call failed, the same for every transport: `invalid` (bad input, nothing ran: exit code 2,
 * HTTP 400), `no-call` (the contract has no such call), `capability` (a permission or part of the
 * machine is missing: exit code 3), `failed` (it ran and broke).
 */
export const ErrorKind = z.enum(['invalid', 'no-call', 'capability', 'failed'])
export type ErrorKind = z.infer<typeof ErrorKind>

/** What a failed call answers: the problems with the lab (nothing ran), or the reason. */
export const ApiError = z.object({
  error: z.string(),
  kind: ErrorKind.optional(),
  problems: z.array(ProblemReply).optional(),
})
export type ApiError = z.infer<typeof ApiError>

// Live events: what a watch stream carries, beside the calls. One map, keyed by the `type` field.

/** A link's state changed (or is reported for the first time: `previous` is null). */
export const LinkEvent = z.object({
  type: z.literal('link'),
  at: z.number(),
  link: LinkStatusReply,
  /** The link's guest node; null for a wire between bridges. */
  node: z.string().nullable(),
  previous: LinkStatusReply.shape.state.nullable(),
})

/** Docker said something about one of the lab's containers (start, die, …). */
export const ContainerEvent = z.object({
  type: z.literal('container'),
  at: z.number(),
  node: z.string(),
  action: z.string(),
})

/** A restarted container got its links back (or did not: `error` says why). */
export const HealEvent = z.object({
  type: z.literal('heal'),
  at: z.number(),
  node: z.string(),
  ops: z.number().int(),
  ok: z.boolean(),
  ms: z.number(),
  error: z.string().optional(),
})

/** Byte counters of a guest interface and their rates (bytes/s), once a second when asked for. */
export const CountersEvent = z.object({
  type: z.literal('counters'),
  at: z.number(),
  linkId: z.string(),
  rxBytes: z.number(),
  txBytes: z.number(),
  rxRate: z.number(),
  txRate: z.number(),
})

/** A source of live state went away or came back (Docker's events, a look at the machine). */
export const NoticeEvent = z.object({ type: z.literal('notice'), at: z.number(), message: z.string() })

/**
 * A machine of a lab over machines (reached over ssh) can be watched, or cannot any more (`why`):
 * said when its channel opens, breaks and comes back. While it cannot, its links are `missing`.
 */
export const MachineEvent = z.object({
  type: z.literal('machine'),
  at: z.number(),
  machine: z.string(),
  reachable: z.boolean(),
  why: z.string().optional(),
})

/** What one machine's engine streams back over its channel (it never speaks of its reachability). */
export const MachineWatchEvent = z.discriminatedUnion('type', [
  LinkEvent,
  ContainerEvent,
  HealEvent,
  CountersEvent,
  NoticeEvent,
])

/** One more step of a running apply is done. */
export const ProgressEvent = z.object({
  type: z.literal('progress'),
  planId: z.string().nullable(),
  done: z.number().int(),
  total: z.number().int(),
  op: z.string(),
})

/** The stream could not be opened or broke: a malformed watch request, a lab with errors, a monitor that failed. */
export const StreamErrorEvent = z.object({ type: z.literal('error'), error: z.string() })

// Sessions on serve's WebSocket: a capture or a shell the page opened, by the page's own session id.
const SessionId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)
const TerminalSize = { cols: z.number().int(), rows: z.number().int() }

/** Some pcap bytes of a capture (base64), in order: the first carries the pcap header. */
export const CaptureDataEvent = z.object({ type: z.literal('capture'), session: SessionId, data: z.string() })
/** A capture ended: stopped, its count reached, or it failed (`error`, with tcpdump's words). */
export const CaptureEndEvent = z.object({
  type: z.literal('capture-end'),
  session: SessionId,
  message: z.string(),
  error: z.string().optional(),
})
/** Output of a shell's terminal. */
export const ShellOutputEvent = z.object({ type: z.literal('shell'), session: SessionId, data: z.string() })
/** A shell ended (exit, closed) or could not start (`error`). */
export const ShellExitEvent = z.object({
  type: z.literal('shell-exit'),
  session: SessionId,
  exitCode: z.number().int().nullable(),
  error: z.string().optional(),
})

/** What the page may ask on serve's WebSocket besides `watch`: start and stop captures and shells. */
export const SessionRequest = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('capture-start'),
    session: SessionId,
    lab: z.unknown(),
    link: z.string().max(256),
    filter: z.string().max(512).optional(),
    count: z.number().int().optional(),
  }),
  z.object({ type: z.literal('capture-stop'), session: SessionId }),
  z.object({
    type: z.literal('shell-open'),
    session: SessionId,
    lab: z.unknown(),
    node: z.string().max(256),
    ...TerminalSize,
  }),
  z.object({ type: z.literal('shell-input'), session: SessionId, data: z.string().max(16_384) }),
  z.object({ type: z.literal('shell-resize'), session: SessionId, ...TerminalSize }),
  z.object({ type: z.literal('shell-close'), session: SessionId }),
])
export type SessionRequest = z.infer<typeof SessionRequest>
/** What a session's WebSocket carries back. */
export const SessionEvent = z.discriminatedUnion('type', [
  CaptureDataEvent,
  CaptureEndEvent,
  ShellOutputEvent,
  ShellExitEvent,
  z.object({ type: z.literal('error'), error: z.string() }),
])
export type SessionEvent = z.infer<typeof SessionEvent>

/** Every event the page can receive, by its `type`: the lab's live state, and news for every editor. */
export const events = {
  link: LinkEvent,
  container: ContainerEvent,
  heal: HealEvent,
  counters: CountersEvent,
  notice: NoticeEvent,
  machine: MachineEvent,
  progress: ProgressEvent,
  'lab-file-changed': LabFileChangedEvent,
  menu: MenuCommandEvent,
  error: StreamErrorEvent,
  capture: CaptureDataEvent,
  'capture-end': CaptureEndEvent,
  shell: ShellOutputEvent,
  'shell-exit': ShellExitEvent,
} as const

export type LiveEventType = keyof typeof events
export type LiveEventOf<T extends LiveEventType> = z.infer<(typeof events)[T]>
/**
 * Any message of a live stream (serve's WebSocket, the desktop's watch port): the lab's events,
 * and what every open editor is told (apply progress, its lab file changed on disk). Parse what
 * arrives with it.
 */
export const LiveEvent = z.discriminatedUnion('type', [
  LinkEvent,
  ContainerEvent,
  HealEvent,
  CountersEvent,
  NoticeEvent,
  MachineEvent,
  ProgressEvent,
  LabFileChangedEvent,
  StreamErrorEvent,
])
export type LiveEvent = z.infer<typeof LiveEvent>
/** What watching a lab on the machine produces (the engine's watcher). */
export type WatchEvent = LiveEventOf<'link' | 'container' | 'heal' | 'counters' | 'notice' | 'machine'>
/** What every open editor is told, whatever lab it watches. */
export type BroadcastEvent = LiveEventOf<'progress' | 'lab-file-changed'>

/** Subscribing to a lab's live events (the desktop's `watch` message). */
export const WatchLab = z.object({ lab: z.unknown() })
export type WatchLab = z.infer<typeof WatchLab>
/** The same on serve's WebSocket, where the message says what it is. */
export const WatchRequest = WatchLab.extend({ type: z.literal('watch') })
