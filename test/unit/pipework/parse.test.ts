import { describe, expect, it } from 'vitest'
import { parsePipework } from '../../../shared/pipework/parse.ts'

const parse = (line: string) => parsePipework(line.split(' ').filter(Boolean))

describe('pipework command lines', () => {
  it('the full form: -i, -l, gateway, MAC and VLAN', () => {
    expect(parse('ovs0 -i eth2 -l vhost7 test1 10.0.0.1/24@10.0.0.254 02:aa:bb:cc:dd:ee@100')).toEqual({
      kind: 'attach',
      hostInterface: { name: 'ovs0' },
      guest: 'test1',
      ifname: 'eth2',
      localIfname: 'vhost7',
      family: 4,
      address: { kind: 'static', cidr: '10.0.0.1/24', gateway: '10.0.0.254' },
      mac: '02:aa:bb:cc:dd:ee',
      vlan: 100,
      directPhys: false,
    })
  })

  it("the seeds' style: an empty MAC slot before @VLAN", () => {
    expect(parse('ovs0 test1 192.168.0.1/24 @100')).toMatchObject({
      ifname: 'eth1',
      address: { cidr: '192.168.0.1/24' },
      vlan: 100,
    })
    expect(parse('ovs0 test1 192.168.0.1/24 @100')).not.toHaveProperty('mac')
  })

  it('a U: MAC stays a seed, resolved later exactly as pipework does', () => {
    expect(parse('br1 c1 10.1.0.2/16 U:c1')).toMatchObject({ hostInterface: { name: 'br1' }, mac: 'U:c1' })
  })

  it('IPv6 with -a 6 and an IPv6 gateway', () => {
    expect(parse('br0 -a 6 c1 2001:db8::2/64@2001:db8::1')).toMatchObject({
      family: 6,
      address: { kind: 'static', cidr: '2001:db8::2/64', gateway: '2001:db8::1' },
    })
  })

  it('every DHCP form', () => {
    expect(parse('br0 c1 dhcp')).toMatchObject({
      address: { kind: 'dhcp', client: 'dhcp', foreground: false },
    })
    expect(parse('br0 c1 dhcp @30')).toMatchObject({ address: { kind: 'dhcp', client: 'dhcp' }, vlan: 30 })
    expect(parse('br0 c1 udhcpc-f')).toMatchObject({
      address: { kind: 'dhcp', client: 'udhcpc', foreground: true },
    })
    expect(parse('br0 c1 dhclient:-v')).toMatchObject({
      address: { kind: 'dhcp', client: 'dhclient', options: '-v' },
    })
    expect(parse('br0 c1 dhcpcd 02:00:00:00:00:09')).toMatchObject({
      address: { client: 'dhcpcd' },
      mac: '02:00:00:00:00:09',
    })
  })

  it('a host NIC named by its MAC, and --direct-phys', () => {
    expect(parse('mac:00:1b:21:aa:bb:cc c1 192.168.1.5/24')).toMatchObject({
      hostInterface: { mac: '00:1b:21:aa:bb:cc' },
    })
    expect(parse('--direct-phys eth3 c1 192.168.1.5/24')).toMatchObject({
      hostInterface: { name: 'eth3' },
      directPhys: true,
    })
  })

  it('--wait, with and without -i', () => {
    expect(parse('--wait')).toEqual({ kind: 'wait', ifname: 'eth1' })
    expect(parse('--wait -i eth2')).toEqual({ kind: 'wait', ifname: 'eth2' })
  })

  it('route, rule and tc subcommands keep their arguments as separate words', () => {
    expect(parse('route c1 add 10.2.0.0/16 via 10.1.0.1')).toEqual({
      kind: 'route',
      guest: 'c1',
      args: ['add', '10.2.0.0/16', 'via', '10.1.0.1'],
    })
    expect(parse('rule c1 add from 10.1.0.0/16 table 100')).toMatchObject({
      kind: 'rule',
      args: ['add', 'from', '10.1.0.0/16', 'table', '100'],
    })
    expect(parse('tc c1 qdisc add dev eth1 root tbf rate 1mbit burst 32kbit latency 400ms')).toMatchObject({
      kind: 'tc',
      guest: 'c1',
    })
  })
})

/** [line, field, a fragment of the message] */
const hostile: [string, string, string][] = [
  ['eth0;reboot c1 10.0.0.1/24', 'hostinterface', '"eth0;reboot" contains ";"'],
  ['ovs0 $(id) 10.0.0.1/24', 'guest', '"$(id)" contains "$"'],
  ['ovs0 `id` 10.0.0.1/24', 'guest', 'contains "`"'],
  ['ovs0 c1 10.0.0.1/24 $(reboot)', 'macaddr', 'is not a MAC address'],
  ['-rf c1 10.0.0.1/24', 'hostinterface', '"-rf" starts with "-"'],
  ['ovs0 -x eth1 c1 10.0.0.1/24', '-x', 'unknown or repeated option'],
  ['ovs0 -i eth1 -i eth2 c1 10.0.0.1/24', '-i', 'unknown or repeated option'],
  ['ovs0 -i -eth1 c1 10.0.0.1/24', '-i', 'starts with "-"'],
  ['ovs0 -i eth0123456789abc c1 10.0.0.1/24', '-i', 'is 16 bytes'],
  ['ovs0 -l veth0123456789ab c1 10.0.0.1/24', '-l', 'is 16 bytes'],
  ['ovs0123456789abc c1 10.0.0.1/24', 'hostinterface', 'is 16 bytes'],
  ['ovs0 c1 10.0.0.1/24 @0', 'vlan', 'VLAN 0 is outside 1-4094'],
  ['ovs0 c1 10.0.0.1/24 @4095', 'vlan', 'VLAN 4095 is outside 1-4094'],
  ['ovs0 c1 10.0.0.1/24 @abc', 'vlan', 'is not a number 1-4094'],
  ['ovs0 c1 10.0.0.1/24 @100;reboot', 'vlan', 'is not a number'],
  ['ovs0 c1 10.0.0.300/24', 'ipaddr', '"10.0.0.300" is not an IPv4 or IPv6 address'],
  ['ovs0 c1 10.0.0.1/33', 'ipaddr', 'prefix length must be 0-32'],
  ['ovs0 c1 2001:db8::1/129', 'ipaddr', 'prefix length must be 0-128'],
  ['ovs0 c1 10.0.0.1', 'ipaddr', 'Maybe you meant 10.0.0.1/24?'],
  ['ovs0 c1 10.0.0.1/24@$(id)', 'gateway', 'is not an IPv4 or IPv6 address'],
  ['ovs0 c1 10.0.0.1/24@2001:db8::1', 'gateway', 'is not IPv4'],
  ['ovs0 -a 5 c1 10.0.0.1/24', '-a', '-a takes 4 or 6'],
  ['ovs0 -a 6 c1 10.0.0.1/24', '-a', '-a 6 but 10.0.0.1/24 is an IPv4 address'],
  ['ovs0', 'guest', 'missing the guest'],
  ['ovs0 c1', 'ipaddr', 'missing the address'],
  ['ovs0 c1 10.0.0.1/24 02:00:00:00:00:01 extra', 'arguments', 'unexpected extra arguments'],
  ['ovs0 c1 10.0.0.1/24 01:00:5e:00:00:01', 'macaddr', 'multicast'],
  ['ovs0 c1 dhcp:$(id)', 'ipaddr', 'DHCP options'],
  [
    'route c1 add default via 1.2.3.4;reboot',
    'route_command',
    '"1.2.3.4;reboot" is not a plain route argument',
  ],
  ['tc c1 qdisc add dev eth1 root $(reboot)', 'tc_command', 'is not a plain tc argument'],
  // An argument in option form reaches the tool as its own option: -batch reads commands from a
  // file, -netns leaves the guest, -force goes on after errors.
  ['tc c1 -batch /etc/shadow', 'tc_command', '"-batch" starts with "-"'],
  ['route c1 -netns other add default via 10.0.0.1', 'route_command', '"-netns" starts with "-"'],
  ['rule c1 add -force from 10.0.0.0/8', 'rule_command', '"-force" starts with "-"'],
  ['tc c1 qdisc show dev eth1 --batch=/etc/shadow', 'tc_command', '"--batch=/etc/shadow" starts with "-"'],
  ['route', 'guest', 'pipework route <guest>'],
  ['--wait -i eth1;reboot', '-i', 'contains ";"'],
  ['mac:zz:zz c1 10.0.0.1/24', 'hostinterface', 'is not a MAC address'],
]

describe('hostile pipework lines', () => {
  it.each(hostile)('%s is refused, naming %s', (line, field, fragment) => {
    const result = parse(line)
    expect(result).toMatchObject({ kind: 'error', field })
    expect((result as { message: string }).message).toContain(fragment)
  })
})
