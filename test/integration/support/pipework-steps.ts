// A stand-in for the real pipework script where it cannot be had: CI machines reach only the npm
// registry and Debian's mirror, and the script lives on GitHub. It replays, as argv arrays, the
// steps pipework (commit 9ba97f17) takes for `pipework BRIDGE [-i IFNAME] CONTAINER IP[@GW] [MAC]
// [@VLAN]`, so the machine ends up holding what the script leaves: the same veth names
// (v<if>pl<pid> / v<if>pg<pid>), MTU, OVS tag and pipework.* external ids, address with its
// broadcast, gateway route. Where the real script is installed, tests run it instead.
import { execa } from 'execa'

export async function pipeworkSteps(line: readonly string[]): Promise<void> {
  const words = [...line]
  const bridge = words.shift() ?? ''
  let ifname = 'eth1'
  if (words[0] === '-i') {
    words.shift()
    ifname = words.shift() ?? ''
  }
  const container = words.shift() ?? ''
  const [cidr = '', gateway] = (words.shift() ?? '').split('@')
  const vlanWord = words.find((w) => w.startsWith('@'))
  const vlan = vlanWord?.slice(1)
  const mac = words.find((w) => !w.startsWith('@'))

  const pid = (await execa('docker', ['inspect', '-f', '{{.State.Pid}}', container])).stdout.trim()
  const inGuest = (args: string[]) => execa('nsenter', ['-t', pid, '-n', ...args])
  const ovsBridges = (await execa('ovs-vsctl', ['list-br'])).stdout.split('\n')
  const mtu = JSON.parse((await execa('ip', ['-j', 'link', 'show', bridge])).stdout)[0].mtu as number

  const local = `v${ifname}pl${pid}`
  const guest = `v${ifname}pg${pid}`
  await execa('ip', [
    'link',
    'add',
    'name',
    local,
    'mtu',
    `${mtu}`,
    'type',
    'veth',
    'peer',
    'name',
    guest,
    'mtu',
    `${mtu}`,
  ])
  if (ovsBridges.includes(bridge)) {
    const ids = [
      `external-ids:pipework.interface=${local}`,
      `external-ids:pipework.bridge=${bridge}`,
      `external-ids:pipework.containername=${container}`,
      `external-ids:pipework.nspid=${pid}`,
      ...(vlan ? [`external-ids:pipework.vlan=${vlan}`] : []),
    ]
    await execa('ovs-vsctl', [
      'add-port',
      bridge,
      local,
      ...(vlan ? [`tag=${vlan}`] : []),
      '--',
      'set',
      'Interface',
      local,
      ...ids,
    ])
  } else {
    await execa('ip', ['link', 'set', local, 'master', bridge])
  }
  await execa('ip', ['link', 'set', local, 'up'])
  await execa('ip', ['link', 'set', guest, 'netns', pid])
  await inGuest(['ip', 'link', 'set', guest, 'name', ifname])
  if (mac) await inGuest(['ip', 'link', 'set', 'dev', ifname, 'address', mac])
  await inGuest(['ip', 'addr', 'add', cidr, 'brd', '+', 'dev', ifname])
  await inGuest(['ip', 'link', 'set', ifname, 'up'])
  if (gateway) await inGuest(['ip', 'route', 'replace', 'default', 'via', gateway, 'dev', ifname])
}
