// What trace reads back from tcpdump is hostile bytes: a pcap stream cut anywhere, lying about its
// sizes, or frames of any shape. And the path it compares sightings with follows the lab's cables.
import { describe, expect, it } from 'vitest'
import { wirePath } from '../../../electron/core/trace/path.ts'
import { decodeFrame, PcapReader } from '../../../electron/core/trace/pcap.ts'
import { loadLab } from '../../../shared/lab/load.ts'
import { readScenario } from '../../support/scenarios.ts'

const bytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => Number.parseInt(h, 16)))
const MACS = 'ffffffffffff' + '020000000001'
const ARP_BODY = '0001080006040001' + '020000000001' + '0a000001' + '000000000000' + '0a000002'
const arpTagged = bytes(`${MACS}8100000a0806${ARP_BODY}`)
const arpPlain = bytes(`${MACS}0806${ARP_BODY}`)
const echo = bytes(`${MACS}08004500001c00000000400100000a0000010a0000020800f7ff00000000`)

function pcap(frames: Uint8Array[]): Uint8Array {
  const header = bytes('d4c3b2a1020004000000000000000000ffff000001000000')
  const records = frames.map((f, i) => {
    const h = new DataView(new ArrayBuffer(16))
    h.setUint32(0, 1_700_000_000, true)
    h.setUint32(4, i * 10, true)
    h.setUint32(8, f.length, true)
    h.setUint32(12, f.length, true)
    return [new Uint8Array(h.buffer), f]
  })
  const all = [header, ...records.flat()]
  const out = new Uint8Array(all.reduce((n, x) => n + x.length, 0))
  let at = 0
  for (const x of all) {
    out.set(x, at)
    at += x.length
  }
  return out
}

describe('reading tcpdump -w -', () => {
  it('decodes ARP and ICMP echo with their 802.1Q tag, whatever the chunks', () => {
    const stream = pcap([arpTagged, arpPlain, echo])
    const reader = new PcapReader()
    const records = []
    // One byte at a time: records arrive only once whole.
    for (const b of stream) records.push(...reader.push(Uint8Array.of(b)))
    expect(reader.ethernet).toBe(true)
    expect(records.map((r) => r.atUs - 1_700_000_000_000_000)).toEqual([0, 10, 20])
    const frames = records.map((r) => decodeFrame(r.data))
    expect(frames[0]).toMatchObject({ kind: 'arp-request', vlan: 10, src: '10.0.0.1', dst: '10.0.0.2' })
    expect(frames[1]).toMatchObject({ kind: 'arp-request', vlan: null })
    expect(frames[2]).toMatchObject({ kind: 'echo-request', vlan: null, src: '10.0.0.1', dst: '10.0.0.2' })
  })

  it('stops reading a stream that is not pcap, or a record that claims to be huge', () => {
    const notPcap = new PcapReader()
    expect(notPcap.push(new TextEncoder().encode('tcpdump: eth9: No such device exists\n'))).toEqual([])
    expect(notPcap.broken).toBe('not a pcap stream')
    const liar = pcap([arpPlain])
    new DataView(liar.buffer).setUint32(24 + 8, 0x7fffffff, true)
    const reader = new PcapReader()
    expect(reader.push(liar)).toEqual([])
    expect(reader.broken).toContain('bytes')
  })

  it('ignores frames cut short or of other kinds, never throwing', () => {
    for (let n = 0; n < arpTagged.length; n++)
      expect(() => decodeFrame(arpTagged.subarray(0, n))).not.toThrow()
    expect(decodeFrame(arpTagged.subarray(0, 30))).toBeNull()
    expect(decodeFrame(bytes(`${MACS}86dd${'00'.repeat(40)}`))).toBeNull()
    // Two tags (QinQ): the outer one is the tag on the wire.
    expect(decodeFrame(bytes(`${MACS}88a800c88100000a0806${ARP_BODY}`))?.vlan).toBe(200)
  })
})

describe('the path a trace compares with', () => {
  const lab = loadLab(readScenario('multi-host-vlan.yaml')).lab!
  it('runs from A through both ends of the trunk to B', () => {
    expect(wirePath(lab, 0, 2)).toEqual([
      { node: 'h1a', port: 'eth1' },
      { node: 'ovs1', port: 'h1a:eth1' },
      { node: 'ovs1', port: 'ovs1~ovs2' },
      { node: 'ovs2', port: 'ovs1~ovs2' },
      { node: 'ovs2', port: 'h2a:eth1' },
      { node: 'h2a', port: 'eth1' },
    ])
  })
  it('on one bridge, goes from one port to the other', () => {
    expect(wirePath(lab, 0, 1).map((p) => `${p.node}/${p.port}`)).toEqual([
      'h1a/eth1',
      'ovs1/h1a:eth1',
      'ovs1/h1b:eth1',
      'h1b/eth1',
    ])
  })
})
