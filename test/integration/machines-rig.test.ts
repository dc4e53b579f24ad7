// The machine rig itself: N machines, each with its own namespaces, OVS and sshd; idempotent; and
// `down` leaves nothing behind.
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { missingLabHost } from './support/lab-host.ts'
import { onMachine, RIG_KEY, RIG_KNOWN_HOSTS, rig } from './support/rig.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'sshd'])

/** What the rig could leave behind on this host. */
async function leftovers(): Promise<string[]> {
  const netns = (await execa('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith('pbm-'))
  const links = (await execa('ip', ['-o', 'link', 'show'])).stdout.split('\n').filter((l) => /: pbm/.test(l))
  const mounts = (await execa('cat', ['/proc/self/mountinfo'])).stdout
    .split('\n')
    .filter((l) => l.includes('pbm-'))
  const procs = (await execa('pgrep', ['-af', 'patchbay-machines'], { reject: false })).stdout
    .split('\n')
    .filter(Boolean)
  const files = (
    await execa('ls', ['-d', '/run/patchbay-machines', RIG_KEY, RIG_KNOWN_HOSTS], { reject: false })
  ).stdout
    .split('\n')
    .filter(Boolean)
  return [...netns, ...links, ...mounts, ...procs, ...files]
}

describe.skipIf(skipReason !== null)('the machine rig', () => {
  afterAll(async () => {
    await rig('down')
  })

  it('makes two machines reachable over ssh, each with its own namespaces and OVS, idempotently', async () => {
    await rig('down')
    expect(await rig('up', '2')).toBe('m1 root@10.250.0.11\nm2 root@10.250.0.12')
    const holder = (await execa('cat', ['/run/patchbay-machines/m1/holder.pid'])).stdout
    expect(await rig('up', '2')).toBe('m1 root@10.250.0.11\nm2 root@10.250.0.12')
    // The second run kept the machine it found.
    expect((await execa('cat', ['/run/patchbay-machines/m1/holder.pid'])).stdout).toBe(holder)
    const ssh = (address: string, command: string) =>
      execa('ssh', [
        '-i',
        RIG_KEY,
        '-o',
        `UserKnownHostsFile=${RIG_KNOWN_HOSTS}`,
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        'BatchMode=yes',
        `root@${address}`,
        command,
      ])
    expect((await ssh('10.250.0.12', 'ip -4 -o addr show dev eth0')).stdout).toContain('10.250.0.12/24')
    // Its own /run/netns: a namespace made in m1 is not seen on m2 nor on this host.
    await onMachine(1, ['ip', 'netns', 'add', 'rigcheck'])
    expect(await onMachine(1, ['ip', 'netns', 'list'])).toContain('rigcheck')
    expect(await onMachine(2, ['ip', 'netns', 'list'])).not.toContain('rigcheck')
    expect((await execa('ip', ['netns', 'list'])).stdout).not.toContain('rigcheck')
    // Its own OVS: a bridge made in m1 is not in m2's nor in this host's database.
    await onMachine(1, [
      'ovs-vsctl',
      'add-br',
      'rigbr',
      '--',
      'set',
      'bridge',
      'rigbr',
      'datapath_type=netdev',
    ])
    expect(await onMachine(1, ['ovs-vsctl', 'list-br'])).toBe('rigbr')
    expect(await onMachine(2, ['ovs-vsctl', 'list-br'])).toBe('')
    expect((await execa('ovs-vsctl', ['list-br'])).stdout.split('\n')).not.toContain('rigbr')
  })

  it('down leaves no namespace, link, mount, process or file behind', async () => {
    await rig('up', '2')
    await rig('down')
    expect(await leftovers()).toEqual([])
  })
})
