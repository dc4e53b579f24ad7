// Every form pipework's usage text lists, parsed into the exact object (no partial matching), plus
// the places where this parser deliberately differs from the script.
import { describe, expect, it } from 'vitest'
import { parsePipework } from '../../../shared/pipework/parse.ts'

const parse = (line: string) => parsePipework(line.split(' ').filter(Boolean))

const attach = {
  kind: 'attach',
  hostInterface: { name: 'ovs0' },
  guest: 'test1',
  ifname: 'eth1',
  family: 4,
  directPhys: false,
} as const

describe('static addresses, exactly', () => {
  it.each([
    ['ovs0 test1 10.0.0.1/24', { ...attach, address: { kind: 'static', cidr: '10.0.0.1/24' } }],
    [
      'ovs0 test1 10.0.0.1/24@10.0.0.254',
      { ...attach, address: { kind: 'static', cidr: '10.0.0.1/24', gateway: '10.0.0.254' } },
    ],
    [
      'ovs0 test1 192.168.0.1/24 @100',
      { ...attach, address: { kind: 'static', cidr: '192.168.0.1/24' }, vlan: 100 },
    ],
    [
      'ovs0 test1 10.0.0.1/24 U:test1@4094',
      { ...attach, address: { kind: 'static', cidr: '10.0.0.1/24' }, mac: 'U:test1', vlan: 4094 },
    ],
    [
      'ovs0 test1 10.0.0.1/24 02:aa:bb:cc:dd:ee',
      { ...attach, address: { kind: 'static', cidr: '10.0.0.1/24' }, mac: '02:aa:bb:cc:dd:ee' },
    ],
    [
      'ovs0 -i eth2 -l vpl7 -a 4 test1 10.0.0.1/8 @1',
      {
        ...attach,
        ifname: 'eth2',
        localIfname: 'vpl7',
        address: { kind: 'static', cidr: '10.0.0.1/8' },
        vlan: 1,
      },
    ],
    [
      'br0 -a 6 test1 2001:db8::2/64@2001:db8::1',
      {
        ...attach,
        hostInterface: { name: 'br0' },
        family: 6,
        address: { kind: 'static', cidr: '2001:db8::2/64', gateway: '2001:db8::1' },
      },
    ],
    // pipework would run `ip -4 addr add 2001:…` and fail; the family is taken from the address.
    [
      'br0 test1 2001:db8::2/64',
      {
        ...attach,
        hostInterface: { name: 'br0' },
        family: 6,
        address: { kind: 'static', cidr: '2001:db8::2/64' },
      },
    ],
    // pipework insists on -i, -l, -a in that order; any order is read here.
    [
      'ovs0 -a 4 -l vpl7 -i eth3 test1 10.0.0.1/24',
      {
        ...attach,
        ifname: 'eth3',
        localIfname: 'vpl7',
        address: { kind: 'static', cidr: '10.0.0.1/24' },
      },
    ],
  ])('%s', (line, expected) => {
    expect(parse(line)).toEqual(expected)
  })
})

describe('DHCP, exactly', () => {
  const dhcp = (client: string, foreground: boolean, options?: string) => ({
    ...attach,
    hostInterface: { name: 'br0' },
    address: { kind: 'dhcp', client, foreground, ...(options !== undefined ? { options } : {}) },
  })
  it.each([
    ['br0 test1 dhcp', dhcp('dhcp', false)],
    ['br0 test1 dhcp:-t 5', dhcp('dhcp', false, '-t')],
    ['br0 test1 udhcpc', dhcp('udhcpc', false)],
    ['br0 test1 udhcpc-f', dhcp('udhcpc', true)],
    ['br0 test1 udhcpc:-q', dhcp('udhcpc', false, '-q')],
    ['br0 test1 dhclient', dhcp('dhclient', false)],
    ['br0 test1 dhclient-f:-v', dhcp('dhclient', true, '-v')],
    ['br0 test1 dhcpcd', dhcp('dhcpcd', false)],
    ['br0 test1 dhcpcd:-4', dhcp('dhcpcd', false, '-4')],
  ])('%s', (line, expected) => {
    // `dhcp:-t 5` is split on the space by this helper, leaving "5" as the MAC slot: use argv directly.
    const argv = line === 'br0 test1 dhcp:-t 5' ? ['br0', 'test1', 'dhcp:-t'] : line.split(' ')
    expect(parsePipework(argv)).toEqual(expected)
  })

  it('options with a space stay one word when quoted, and a MAC and VLAN may follow', () => {
    expect(parsePipework(['br0', 'test1', 'udhcpc:-t 5', '02:00:00:00:00:09@30'])).toEqual({
      ...dhcp('udhcpc', false, '-t 5'),
      mac: '02:00:00:00:00:09',
      vlan: 30,
    })
  })
})

describe('the other forms, exactly', () => {
  it('a host NIC chosen by its MAC', () => {
    expect(parse('mac:00:1b:21:aa:bb:cc -i eth2 test1 192.168.1.5/24@192.168.1.1')).toEqual({
      ...attach,
      hostInterface: { mac: '00:1b:21:aa:bb:cc' },
      ifname: 'eth2',
      address: { kind: 'static', cidr: '192.168.1.5/24', gateway: '192.168.1.1' },
    })
  })

  it('--direct-phys', () => {
    expect(parse('--direct-phys eth3 test1 192.168.1.5/24')).toEqual({
      ...attach,
      hostInterface: { name: 'eth3' },
      address: { kind: 'static', cidr: '192.168.1.5/24' },
      directPhys: true,
    })
  })

  it('--wait', () => {
    expect(parse('--wait')).toEqual({ kind: 'wait', ifname: 'eth1' })
    expect(parse('--wait -i net0')).toEqual({ kind: 'wait', ifname: 'net0' })
  })

  it('route, rule and tc', () => {
    expect(parse('route test1 replace default via 10.0.0.254 dev eth1')).toEqual({
      kind: 'route',
      guest: 'test1',
      args: ['replace', 'default', 'via', '10.0.0.254', 'dev', 'eth1'],
    })
    expect(parse('rule test1 add from 10.1.0.0/16 lookup 100')).toEqual({
      kind: 'rule',
      guest: 'test1',
      args: ['add', 'from', '10.1.0.0/16', 'lookup', '100'],
    })
    expect(parse('tc test1 qdisc add dev eth1 root netem delay 10ms')).toEqual({
      kind: 'tc',
      guest: 'test1',
      args: ['qdisc', 'add', 'dev', 'eth1', 'root', 'netem', 'delay', '10ms'],
    })
  })

  it('only the exact words route, rule and tc are subcommands; route0 is an interface', () => {
    expect(parse('route0 test1 10.0.0.1/24')).toEqual({
      ...attach,
      hostInterface: { name: 'route0' },
      address: { kind: 'static', cidr: '10.0.0.1/24' },
    })
  })
})

/** More refusals, beyond parse.test.ts: [line, field, the value the message must name]. */
describe('more hostile lines', () => {
  it.each([
    ['br0 test1 dhcp-f', 'ipaddr', 'dhcp-f'],
    ['br0 test1 dhcpcd-f', 'ipaddr', 'dhcpcd'],
    ['ovs0 test1 10.0.0.1/24 @100@200', 'vlan', '100@200'],
    ['ovs0 test1 10.0.0.1/24 02:aa:bb:cc:dd:ee@-1', 'vlan', '-1'],
    ['ovs0 test1 10.0.0.1/24 U:', 'macaddr', 'U:'],
    ['mac:U:host test1 10.0.0.1/24', 'hostinterface', 'U:seed'],
    ['ovs0 -i', '-i', '-i needs a value'],
    ['ovs0 test1 10.0.0.1/24@10.0.0.1/24', 'gateway', '10.0.0.1/24'],
    ['ovs0 -a 4 test1 2001:db8::1/64', '-a', '2001:db8::1/64'],
    ['--wait -i eth1 now', '--wait', '-i eth1 now'],
    ['route test1 add default via `id`', 'route_command', '`id`'],
    ['rule test1 add from 10.0.0.0/8 table $(id)', 'rule_command', '$(id)'],
    ['tc test1', 'tc_command', 'after test1'],
    ['ovs0 default 10.0.0.1/24', 'guest', '"default" is reserved'],
  ])('%s is refused', (line, field, named) => {
    const result = parse(line)
    expect(result).toMatchObject({ kind: 'error', field })
    expect((result as { message: string }).message).toContain(named)
  })
})
