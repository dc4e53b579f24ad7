// A capture's hostile inputs (its filter, its link id) and where each kind of link is watched.
import { describe, expect, it } from 'vitest'
import { capturePoint } from '../../../electron/core/capture-point.ts'
import { checkCaptureFilter } from '../../../shared/capture/filter.ts'
import { loadLab } from '../../../shared/lab/load.ts'

describe('capture filter', () => {
  it('passes pcap-filter words as separate words', () => {
    expect(checkCaptureFilter('vlan 100 and (icmp or arp)')).toEqual({
      ok: true,
      words: ['vlan', '100', 'and', '(icmp', 'or', 'arp)'],
    })
    expect(checkCaptureFilter('  ')).toEqual({ ok: true, words: [] })
    expect(checkCaptureFilter('ip6 and net fe80::/10 and not port 22')).toMatchObject({ ok: true })
  })

  it.each([
    ['icmp; rm -rf /', ';'],
    ['icmp $(reboot)', '$'],
    ['icmp `reboot`', '`'],
    ['icmp | nc x 1', '|'],
    ['icmp && arp', '&'],
    ['len > 100', '>'],
    ['icmp\nreboot', '\n'],
  ])('refuses shell syntax in %j', (filter, character) => {
    const checked = checkCaptureFilter(filter)
    expect(checked.ok).toBe(false)
    if (!checked.ok) expect(checked.message).toContain(JSON.stringify(character))
  })

  it('refuses a word tcpdump would take for an option, and over-long filters', () => {
    const option = checkCaptureFilter('icmp -w /etc/passwd')
    expect(option).toMatchObject({ ok: false, message: expect.stringContaining('"-w"') })
    expect(checkCaptureFilter('a'.repeat(600))).toMatchObject({ ok: false })
    expect(checkCaptureFilter('host é')).toMatchObject({ ok: false })
  })
})

describe('capture point', () => {
  const { lab } = loadLab(
    [
      'patchbay: 1',
      'name: cap',
      'hosts: { h2: { netns: true } }',
      'nodes:',
      '  s1: { kind: ovs-bridge }',
      '  s2: { kind: ovs-bridge, host: h2 }',
      '  a: { kind: netns }',
      '  c: { kind: container, image: labbox }',
      '  up: { kind: uplink, interface: eno1 }',
      '  d: { kind: netns, host: h2 }',
      'links:',
      '  - { guest: a, to: s1 }',
      '  - { guest: c, to: up, ifname: eth2 }',
      '  - { guest: d, to: s2 }',
      '  - { between: [s2, s1], trunk: [100] }',
      '',
    ].join('\n'),
    'cap.yaml',
  )
  const at = (id: string) => capturePoint(lab!, id)

  it('watches a guest link at its host end, in its host', () => {
    expect(at('a:eth1')).toMatchObject({
      ok: true,
      point: { device: 'a-eth1', role: 'bridge-port', namespace: { kind: 'host' } },
    })
    expect(at('d:eth1')).toMatchObject({
      ok: true,
      point: { device: 'd-eth1', namespace: { kind: 'simulated-host', host: 'h2', netns: 'cap.h2' } },
    })
  })

  it('watches a macvlan link inside its guest, a wire at its first end where tags show', () => {
    expect(at('c:eth2')).toMatchObject({
      ok: true,
      point: { device: 'eth2', role: 'guest', namespace: { kind: 'container', name: 'cap.c' } },
    })
    expect(at('s2~s1')).toMatchObject({
      ok: true,
      point: { device: 's2-s1', role: 'wire-end', namespace: { kind: 'simulated-host', netns: 'cap.h2' } },
    })
  })

  it('names the links there are when asked for one that is not', () => {
    expect(at('zz:eth9')).toEqual({
      ok: false,
      message: 'lab cap has no link "zz:eth9"; its links are a:eth1, c:eth2, d:eth1, s2~s1',
    })
  })
})
