// Bad labs a user (or an attacker) might hand patchbay: each gets a message that names the field and
// the value, and exit 2. Nothing here can run a process: validate is pure.
import { describe, expect, it } from 'vitest'
import { processCommandLog } from '../../../electron/core/exec/runner.ts'
import { runCli } from '../../support/cli.ts'

const head = 'patchbay: 1\nname: hostile\n'
const withNodes = (nodes: string, links = '') => `${head}nodes:\n${nodes}${links ? `links:\n${links}` : ''}`
const guestOn = (link: string) =>
  withNodes(
    '  ovs0: { kind: ovs-bridge }\n  br0: { kind: linux-bridge }\n  c1: { kind: netns }\n  c2: { kind: netns }\n',
    `  - ${link}\n`,
  )

/** [what, lab text, a fragment the error must contain] */
const table: [string, string, string][] = [
  ['empty file', '', 'the file is empty'],
  ['only whitespace', '   \n\n', 'the file is empty'],
  ['not YAML', 'nodes: [a, b\n  c: }', 'not valid YAML'],
  ['YAML but a list', '- a\n- b\n', 'a lab file is a YAML map'],
  ['YAML scalar', 'hello\n', 'a lab file is a YAML map'],
  ['no version', 'name: x\nnodes: {}\n', 'starts with "patchbay: 1"'],
  ['version 2', 'patchbay: 2\nname: x\nnodes: {}\n', 'lab file version 2 is not supported'],
  ['version as text', 'patchbay: "1"\nname: x\nnodes: {}\n', 'lab file version "1" is not supported'],
  ['bad lab name', 'patchbay: 1\nname: My Lab\nnodes: {}\n', '"My Lab" is not a lab name'],
  ['unknown top-level field', `${head}nodes: {}\nnodez: {}\n`, 'unknown field "nodez"'],
  [
    'duplicate node names',
    withNodes('  a: { kind: netns }\n  a: { kind: netns }\n'),
    'not valid YAML: Map keys must be unique',
  ],
  ['node name with ;', withNodes('  "eth0;reboot": { kind: netns }\n'), '"eth0;reboot" contains ";"'],
  ['node name with $(id)', withNodes('  "$(id)": { kind: netns }\n'), '"$(id)" contains "$"'],
  ['node name with backtick', withNodes('  "a`id`": { kind: netns }\n'), 'contains "`"'],
  ['node name with leading -', withNodes('  "-rf": { kind: netns }\n'), '"-rf" starts with "-"'],
  ['node name with space', withNodes('  "a b": { kind: netns }\n'), '"a b" contains " "'],
  ['reserved node name', withNodes('  lo: { kind: netns }\n'), '"lo" is reserved'],
  [
    'bridge name over 15 bytes',
    withNodes('  bridge-name-too-long: { kind: ovs-bridge }\n'),
    'is 20 bytes; Linux interface names are at most 15',
  ],
  ['unknown kind', withNodes('  a: { kind: router }\n'), 'kind must be one of'],
  ['unknown node field', withNodes('  a: { kind: netns, image: x }\n'), 'unknown field "image"'],
  ['unknown host', withNodes('  a: { kind: netns, host: h9 }\n'), 'unknown host "h9"'],
  ['host named local', `${head}hosts:\n  local: { netns: true }\nnodes: {}\n`, '"local" is reserved'],
  ['uplink without NIC', withNodes('  up: { kind: uplink }\n'), 'exactly one of interface: or mac:'],
  [
    'uplink NIC with ;',
    withNodes('  up: { kind: uplink, interface: "eth0;reboot" }\n'),
    '"eth0;reboot" contains ";"',
  ],
  [
    'image as an option',
    withNodes('  c: { kind: container, image: "--privileged" }\n'),
    'image "--privileged" starts with "-"',
  ],
  [
    'image with a shell command',
    withNodes('  c: { kind: container, image: "alpine;reboot" }\n'),
    '"alpine;reboot" is not an image reference',
  ],
  [
    'image with a terminal escape',
    withNodes('  c: { kind: container, image: "alpine\\e[2J" }\n'),
    '"alpine\\u001b[2J" is not an image reference',
  ],
  [
    'image in upper case',
    withNodes('  c: { kind: container, image: Alpine }\n'),
    'is not an image reference',
  ],
  ['empty image', withNodes('  c: { kind: container, image: "" }\n'), '"" is not an image reference'],
  [
    'image over 255 characters',
    withNodes(`  c: { kind: container, image: ${'a'.repeat(256)} }\n`),
    'image reference is 256 characters; Docker takes at most 255',
  ],
  [
    'command without image',
    withNodes('  c: { kind: container, command: [sh] }\n'),
    'command is used only when the lab creates the container',
  ],
  ['unknown guest', guestOn('{ guest: nobody, to: ovs0 }'), 'unknown node "nobody"'],
  ['unknown bridge', guestOn('{ guest: c1, to: ovs9 }'), 'unknown node "ovs9"'],
  [
    'guest plugged into a guest',
    guestOn('{ guest: c1, to: c2 }'),
    'a guest plugs into a bridge or an uplink',
  ],
  ['bridge as a guest', guestOn('{ guest: br0, to: ovs0 }'), 'a guest is a container or a netns'],
  ['ifname with ;', guestOn('{ guest: c1, to: ovs0, ifname: "eth0;reboot" }'), '"eth0;reboot" contains ";"'],
  ['ifname $(id)', guestOn('{ guest: c1, to: ovs0, ifname: "$(id)" }'), '"$(id)" contains "$"'],
  ['ifname leading -', guestOn('{ guest: c1, to: ovs0, ifname: "-eth1" }'), '"-eth1" starts with "-"'],
  ['ifname 16 bytes', guestOn('{ guest: c1, to: ovs0, ifname: eth0123456789abc }'), 'is 16 bytes'],
  ['hostIfname 16 bytes', guestOn('{ guest: c1, to: ovs0, hostIfname: veth0123456789ab }'), 'is 16 bytes'],
  ['VLAN 0', guestOn('{ guest: c1, to: ovs0, vlan: 0 }'), 'VLAN 0 is outside 1-4094'],
  ['VLAN 4095', guestOn('{ guest: c1, to: ovs0, vlan: 4095 }'), 'VLAN 4095 is outside 1-4094'],
  ['VLAN as text', guestOn('{ guest: c1, to: ovs0, vlan: "100" }'), 'expected number'],
  ['VLAN fraction', guestOn('{ guest: c1, to: ovs0, vlan: 10.5 }'), 'VLAN 10.5 is not a whole number'],
  [
    'IP octet 300',
    guestOn('{ guest: c1, to: ovs0, ip: 10.0.0.300/24 }'),
    '"10.0.0.300" is not an IPv4 or IPv6 address',
  ],
  ['prefix /33', guestOn('{ guest: c1, to: ovs0, ip: 10.0.0.1/33 }'), 'prefix length must be 0-32'],
  [
    'IPv6 prefix /129',
    guestOn('{ guest: c1, to: ovs0, ip: "2001:db8::1/129" }'),
    'prefix length must be 0-128',
  ],
  ['IP without prefix', guestOn('{ guest: c1, to: ovs0, ip: 10.0.0.1 }'), 'has no prefix length'],
  [
    'IP with shell',
    guestOn('{ guest: c1, to: ovs0, ip: "10.0.0.1/24;reboot" }'),
    'prefix length must be 0-32',
  ],
  [
    'gateway outside subnet',
    guestOn('{ guest: c1, to: ovs0, ip: 10.0.0.1/24, gateway: 10.0.1.1 }'),
    'gateway 10.0.1.1 is outside 10.0.0.0/24',
  ],
  [
    'gateway not an address',
    guestOn('{ guest: c1, to: ovs0, ip: 10.0.0.1/24, gateway: "$(id)" }'),
    '"$(id)" is not an IPv4 or IPv6 address',
  ],
  [
    'gateway with dhcp',
    guestOn('{ guest: c1, to: ovs0, ip: dhcp, gateway: 10.0.0.1 }'),
    'the gateway comes from the DHCP server',
  ],
  [
    'gateway without address',
    guestOn('{ guest: c1, to: ovs0, gateway: 10.0.0.1 }'),
    'needs an IPv4 address on this link',
  ],
  [
    'multicast MAC',
    guestOn('{ guest: c1, to: ovs0, mac: "01:00:5e:00:00:01" }'),
    'is a multicast MAC address',
  ],
  ['bad MAC', guestOn('{ guest: c1, to: ovs0, mac: "zz:zz" }'), '"zz:zz" is not a MAC address'],
  ['MTU too small', guestOn('{ guest: c1, to: ovs0, mtu: 10 }'), 'MTU 10 is outside 68-65535'],
  ['link with neither shape', guestOn('{ from: c1 }'), 'a link needs guest: and to:'],
  ['wire to a guest', guestOn('{ between: [ovs0, c1] }'), 'a wire joins bridges'],
  ['wire to itself', guestOn('{ between: [ovs0, ovs0] }'), 'a wire needs two different ends'],
  [
    'trunk with VLAN 4095',
    guestOn('{ between: [ovs0, br0], trunk: [100, 4095] }'),
    'VLAN 4095 is outside 1-4094',
  ],
  [
    'trunk and vlan',
    guestOn('{ between: [ovs0, br0], trunk: [100], vlan: 5 }'),
    'either an access link (vlan) or a trunk',
  ],
  ['vxlan without vni', guestOn('{ between: [ovs0, br0], via: vxlan }'), 'a vxlan wire needs vni'],
  [
    'vni too big',
    guestOn('{ between: [ovs0, br0], via: vxlan, vni: 16777216 }'),
    'VNI 16777216 is outside 1-16777215',
  ],
  [
    'same ifname twice on a guest',
    guestOn('{ guest: c1, to: ovs0 }\n  - { guest: c1, to: br0 }'),
    'c1 already has an interface eth1',
  ],
  [
    'duplicate IP in a domain',
    guestOn('{ guest: c1, to: ovs0, ip: 10.0.0.1/24 }\n  - { guest: c2, to: ovs0, ip: 10.0.0.1/24 }'),
    'address 10.0.0.1 is already used by c1:eth1',
  ],
  [
    'alias bomb',
    `${head}a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\nnodes: {}\n`,
    'Excessive alias count',
  ],
]

describe('hostile and broken labs', () => {
  it('has a table of at least 40 cases', () => {
    expect(table.length).toBeGreaterThanOrEqual(40)
  })

  it.each(table)('%s: exit 2 and a message naming it', async (_what, text, fragment) => {
    const result = await runCli(['validate', '-'], text)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(fragment)
    expect(result.stdout).toBe('')
  })

  it('a 10 MB file is refused before it is parsed', async () => {
    const huge = `${head}nodes: {}\n#${'x'.repeat(10 * 1024 * 1024)}\n`
    const result = await runCli(['validate', '-'], huge)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('the file is 10241 KiB; a lab file is at most 512 KiB')
  })

  it('a file that does not exist is bad input, not a crash', async () => {
    const result = await runCli(['validate', '/nonexistent/lab.yaml'])
    expect(result).toMatchObject({ code: 2, stderr: 'patchbay: cannot read /nonexistent/lab.yaml: ENOENT\n' })
  })

  it('every message carries the file, line and field', async () => {
    const result = await runCli(['validate', '-'], guestOn('{ guest: c1, to: ovs0, vlan: 4095 }'))
    expect(result.stderr).toBe('<stdin>:9:34: error: links[0].vlan: VLAN 4095 is outside 1-4094\n')
  })
})

/** `patchbay pipework` route/rule/tc arguments that would reach `ip`/`tc` as options of their own. */
const hostileTools: [string, string[], string][] = [
  ['tc reading a file as a batch', ['tc', 'c1', '-batch', '/etc/shadow'], '"-batch" starts with "-"'],
  ['ip route in another netns', ['route', 'c1', '-netns', 'other', 'show'], '"-netns" starts with "-"'],
  ['ip rule forced', ['rule', 'c1', 'add', '-force', 'from', '10.0.0.0/8'], '"-force" starts with "-"'],
  ['a long option', ['tc', 'c1', 'qdisc', 'show', '--batch=/etc/shadow'], 'starts with "-"'],
]

describe('hostile patchbay pipework tool arguments', () => {
  it.each(hostileTools)('%s: exit 2, a message naming it, and nothing run', async (_what, argv, fragment) => {
    const before = processCommandLog.length
    const result = await runCli(['pipework', ...argv])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(fragment)
    expect(result.stdout).toBe('')
    expect(processCommandLog.length).toBe(before)
  })
})
