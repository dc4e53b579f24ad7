// The packet list's decoder on bytes tcpdump really captured (patchbay capture on a lab of two OVS
// bridges joined by a trunk, and on a guest link's host end), checked against what tcpdump -e said.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { decodeFrame, ipv6At, PcapStream, parsePcapHeader } from '../../../shared/capture/pcap.ts'

const here = dirname(fileURLToPath(import.meta.url))
const fixture = (name: string) => new Uint8Array(readFileSync(join(here, name)))

function rows(bytes: Uint8Array, chunk = bytes.length) {
  const stream = new PcapStream()
  const records = []
  for (let i = 0; i < bytes.length; i += chunk) records.push(...stream.push(bytes.subarray(i, i + chunk)))
  expect(stream.error).toBeNull()
  return records.map((r) => ({ time: r.time, ...decodeFrame(r.data) }))
}

describe('pcap decoder', () => {
  it('reads the trunk capture: ARP, ICMP and ICMPv6 in 802.1Q VLAN 100', () => {
    const bytes = fixture('trunk-vlan100.pcap')
    expect(parsePcapHeader(bytes)).toEqual({ littleEndian: true, nanoseconds: false, linkType: 1 })
    const list = rows(bytes)
    expect(list).toHaveLength(10)
    expect(list.every((r) => r.vlans.length === 1 && r.vlans[0] === 100)).toBe(true)
    expect(list.map((r) => [r.protocol, r.source, r.destination, r.summary])).toEqual([
      ['ARP', '10.213.0.1', '10.213.0.2', 'who has 10.213.0.2? tell 10.213.0.1'],
      ['ARP', '10.213.0.2', '10.213.0.1', '10.213.0.2 is at 36:7c:08:4b:2e:13'],
      ['ICMP', '10.213.0.1', '10.213.0.2', 'echo request, id 3806, seq 1'],
      ['ICMP', '10.213.0.2', '10.213.0.1', 'echo reply, id 3806, seq 1'],
      ['ICMP', '10.213.0.1', '10.213.0.2', 'echo request, id 3806, seq 2'],
      ['ICMP', '10.213.0.2', '10.213.0.1', 'echo reply, id 3806, seq 2'],
      [
        'ICMPv6',
        'fe80::3455:7dff:feed:c61b',
        'ff02::1:ff4b:2e13',
        'neighbor solicitation fe80::347c:8ff:fe4b:2e13',
      ],
      [
        'ICMPv6',
        'fe80::347c:8ff:fe4b:2e13',
        'fe80::3455:7dff:feed:c61b',
        'neighbor advertisement fe80::347c:8ff:fe4b:2e13',
      ],
      [
        'ICMPv6',
        'fe80::3455:7dff:feed:c61b',
        'fe80::347c:8ff:fe4b:2e13',
        expect.stringMatching(/^echo request, id \d+, seq 1$/),
      ],
      [
        'ICMPv6',
        'fe80::347c:8ff:fe4b:2e13',
        'fe80::3455:7dff:feed:c61b',
        expect.stringMatching(/^echo reply, id \d+, seq 1$/),
      ],
    ])
    // tcpdump -r printed 05:25:42.977082 for the first frame.
    expect(new Date(list[0]!.time * 1000).toISOString()).toBe('2026-12-01T05:25:42.977Z')
  })

  it('gives the same rows whatever the chunks the stream arrives in', () => {
    const bytes = fixture('trunk-vlan100.pcap')
    const whole = rows(bytes)
    for (const chunk of [1, 7, 16, 25, 100]) expect(rows(bytes, chunk)).toEqual(whole)
  })

  it('reads the untagged guest-link capture', () => {
    const list = rows(fixture('guest-untagged.pcap'))
    expect(list.map((r) => [r.vlans, r.protocol, r.source, r.destination])).toEqual([
      [[], 'ARP', '10.213.0.1', '10.213.0.2'],
      [[], 'ARP', '10.213.0.2', '10.213.0.1'],
      [[], 'ICMP', '10.213.0.1', '10.213.0.2'],
      [[], 'ICMP', '10.213.0.2', '10.213.0.1'],
    ])
  })

  it('refuses what is not pcap, and a record too large to be a frame', () => {
    const notPcap = new PcapStream()
    expect(notPcap.push(new TextEncoder().encode('this is not a pcap file at all'))).toEqual([])
    expect(notPcap.error).toMatch(/not pcap/)
    const bytes = fixture('guest-untagged.pcap').slice()
    new DataView(bytes.buffer).setUint32(24 + 8, 0x7fffffff, true)
    const huge = new PcapStream()
    expect(huge.push(bytes)).toEqual([])
    expect(huge.error).toMatch(/not a frame/)
  })

  it('never throws on short or cut frames', () => {
    const frames = rows(fixture('trunk-vlan100.pcap'))
    expect(frames.length).toBeGreaterThan(0)
    const stream = new PcapStream()
    for (const record of stream.push(fixture('trunk-vlan100.pcap')))
      for (let cut = 0; cut <= record.data.length; cut++) {
        const decoded = decodeFrame(record.data.subarray(0, cut))
        expect(typeof decoded.summary).toBe('string')
      }
    expect(decodeFrame(new Uint8Array(3)).protocol).toBe('unknown')
  })

  it('writes IPv6 addresses in their short form', () => {
    const at = (text: number[]) => ipv6At(new Uint8Array(text), 0)
    expect(at([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])).toBe('2001:db8::1')
    expect(at(new Array(16).fill(0))).toBe('::')
    // Only a run of two or more zero groups becomes ::, a single 0 stays.
    expect(at([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1])).toBe('1:0:1::1:0:1')
  })
})
