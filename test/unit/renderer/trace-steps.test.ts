// Real trace replies (recorded from `patchbay trace --json` on an applied two-bridge lab, MACs and
// devices left out) turned into the canvas's steps.
import { describe, expect, it } from 'vitest'
import { traceStepping } from '../../../renderer/understand/trace-steps.ts'
import type { TraceHop, TraceReply } from '../../../shared/api/contract.ts'
import type { Lab } from '../../../shared/lab/schema.ts'

const lab: Lab = {
  patchbay: 1,
  name: 'undtr',
  nodes: {
    ubr1: { kind: 'ovs-bridge' },
    ubr2: { kind: 'ovs-bridge' },
    ua: { kind: 'netns' },
    ub: { kind: 'netns' },
    uc: { kind: 'netns' },
    ud: { kind: 'netns' },
  },
  links: [
    { guest: 'ua', to: 'ubr1', ip: '10.77.0.1/24', vlan: 10 },
    { guest: 'ub', to: 'ubr1', ip: '10.77.0.2/24', vlan: 10 },
    { guest: 'uc', to: 'ubr2', ip: '10.77.0.3/24', vlan: 10 },
    { guest: 'ud', to: 'ubr2', ip: '10.77.1.4/24', vlan: 20 },
    { between: ['ubr1', 'ubr2'], trunk: [10, 20] },
  ],
}

const hop = (
  kind: TraceHop['kind'],
  node: string,
  port: string,
  vlan: number | null,
  seen = true,
): TraceHop => ({
  node,
  port,
  vlan,
  seen,
  frame: kind.startsWith('arp') ? 'ARP who-has 10.77.0.3 tell 10.77.0.1' : 'ICMP echo',
  kind,
  atUs: seen ? 0 : null,
  host: 'local',
  device: 'eth1',
  srcMac: null,
  dstMac: null,
})

const arpFlood = (): TraceHop[] => [
  hop('arp-request', 'ua', 'eth1', null),
  hop('arp-request', 'ubr1', 'ua:eth1', null),
  hop('arp-request', 'ubr1', 'ubr1~ubr2', 10),
  hop('arp-request', 'ubr2', 'ubr1~ubr2', 10),
  hop('arp-request', 'ubr1', 'ub:eth1', null),
  hop('arp-request', 'ub', 'eth1', null),
  hop('arp-request', 'ubr2', 'uc:eth1', null),
  hop('arp-request', 'uc', 'eth1', null),
]
const back = (kind: TraceHop['kind']): TraceHop[] => [
  hop(kind, 'uc', 'eth1', null),
  hop(kind, 'ubr2', 'uc:eth1', null),
  hop(kind, 'ubr2', 'ubr1~ubr2', 10),
  hop(kind, 'ubr1', 'ubr1~ubr2', 10),
  hop(kind, 'ubr1', 'ua:eth1', null),
  hop(kind, 'ua', 'eth1', null),
]
const there = (kind: TraceHop['kind']): TraceHop[] => [
  hop(kind, 'ua', 'eth1', null),
  hop(kind, 'ubr1', 'ua:eth1', null),
  hop(kind, 'ubr1', 'ubr1~ubr2', 10),
  hop(kind, 'ubr2', 'ubr1~ubr2', 10),
  hop(kind, 'ubr2', 'uc:eth1', null),
  hop(kind, 'uc', 'eth1', null),
]

const reply = (to: string, hops: TraceHop[], extra: Partial<TraceReply> = {}): TraceReply => ({
  from: 'ua:eth1',
  to,
  address: '10.77.0.3',
  reached: true,
  replied: true,
  hops,
  path: [],
  stoppedAt: null,
  why: "ua:eth1's frames reached uc:eth1, and the ping was answered",
  captured: 10,
  skipped: [],
  ...extra,
})

const short = (s: ReturnType<typeof traceStepping>) =>
  s.steps.map((st) =>
    st.moves.map((m) => `${m.linkId} ${m.from}>${m.to} ${m.tag ?? 'untagged'} ${m.fate}`).join(),
  )

describe('a trace as canvas steps', () => {
  it('walks the ARP request, its reply, the ping and its answer, a retransmission counted once', () => {
    const s = traceStepping(
      reply('uc:eth1', [
        ...arpFlood(),
        ...back('arp-reply'),
        ...arpFlood(),
        ...there('echo-request'),
        ...back('echo-reply'),
      ]),
      lab,
    )
    expect(s.source).toBe('traced')
    expect(short(s)).toEqual([
      'ua:eth1 ua>ubr1 untagged forwarded',
      'ubr1~ubr2 ubr1>ubr2 10 forwarded',
      'ub:eth1 ubr1>ub untagged delivered',
      'uc:eth1 ubr2>uc untagged delivered',
      'uc:eth1 uc>ubr2 untagged forwarded',
      'ubr1~ubr2 ubr2>ubr1 10 forwarded',
      'ua:eth1 ubr1>ua untagged delivered',
      'ua:eth1 ua>ubr1 untagged forwarded',
      'ubr1~ubr2 ubr1>ubr2 10 forwarded',
      'uc:eth1 ubr2>uc untagged delivered',
      'uc:eth1 uc>ubr2 untagged forwarded',
      'ubr1~ubr2 ubr2>ubr1 10 forwarded',
      'ua:eth1 ubr1>ua untagged delivered',
    ])
    expect(s.steps[1]!.moves[0]!.why).toBe(
      'ARP request (ARP who-has 10.77.0.3 tell 10.77.0.1) seen at ubr1 tagged 10, ubr2 tagged 10',
    )
    expect(s.reached).toEqual(['uc:eth1'])
  })

  it('ends on the port the request never reached, marked dropped with the why', () => {
    const why =
      "ua:eth1's ARP request was last seen at ubr2 port ubr1~ubr2 (tagged 10), never at ubr2 port ud:eth1: ud:eth1 is in VLAN 20, ua:eth1 in VLAN 10"
    const s = traceStepping(
      reply('ud:eth1', [...arpFlood(), hop('arp-request', 'ubr2', 'ud:eth1', null, false)], {
        reached: false,
        replied: false,
        why,
        stoppedAt: { node: 'ubr2', port: 'ubr1~ubr2' },
        path: [
          { node: 'ua', port: 'eth1', seen: true, vlan: null },
          { node: 'ubr1', port: 'ua:eth1', seen: true, vlan: null },
          { node: 'ubr1', port: 'ubr1~ubr2', seen: true, vlan: 10 },
          { node: 'ubr2', port: 'ubr1~ubr2', seen: true, vlan: 10 },
          { node: 'ubr2', port: 'ud:eth1', seen: false, vlan: null },
          { node: 'ud', port: 'eth1', seen: false, vlan: null },
        ],
      }),
      lab,
    )
    expect(short(s).at(-1)).toBe('ud:eth1 ubr2>ud untagged dropped')
    expect(s.steps.at(-1)!.moves[0]!.why).toBe(
      'never seen at ubr2 port ud:eth1: the frames stopped before it',
    )
    expect(s.why).toBe(why)
    expect(s.reached).toEqual([])
    expect(s.steps).toHaveLength(5)
  })
})
