// A small pcap reader and frame decoder for the live packet list: pure functions on bytes, so the
// page, the server and tests share them. It decodes what a lab's links carry (Ethernet, 802.1Q
// tags, ARP, IPv4, IPv6, ICMP, ICMPv6, UDP, TCP) and says "unknown" for the rest, never throws on
// a short or hostile frame: every read is checked against the frame's length.

export const PCAP_HEADER_BYTES = 24
const RECORD_HEADER_BYTES = 16
/** LINKTYPE_ETHERNET: the only link type a lab's devices have. */
export const LINKTYPE_ETHERNET = 1
/** Records larger than this are not a frame of a lab (tcpdump's default snap length). */
const MAX_RECORD_BYTES = 262_144

export interface PcapHeader {
  readonly littleEndian: boolean
  /** Timestamps in nanoseconds (magic a1b23c4d) rather than microseconds. */
  readonly nanoseconds: boolean
  readonly linkType: number
}

export interface PcapRecord {
  /** Seconds since the epoch, with the fraction. */
  readonly time: number
  readonly originalLength: number
  readonly data: Uint8Array
}

/** The global header, or null when the bytes are not a pcap file. */
export function parsePcapHeader(bytes: Uint8Array): PcapHeader | null {
  if (bytes.length < PCAP_HEADER_BYTES) return null
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (const littleEndian of [true, false]) {
    const magic = view.getUint32(0, littleEndian)
    if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d)
      return { littleEndian, nanoseconds: magic === 0xa1b23c4d, linkType: view.getUint32(20, littleEndian) }
  }
  return null
}

/**
 * Reads a pcap stream chunk by chunk (frames arrive split across WebSocket messages and pipes).
 * push() returns the records completed by the chunk; `error` is set once the stream is not pcap.
 */
export class PcapStream {
  header: PcapHeader | null = null
  error: string | null = null
  private pending = new Uint8Array(0)

  push(chunk: Uint8Array): PcapRecord[] {
    if (this.error) return []
    const joined = new Uint8Array(this.pending.length + chunk.length)
    joined.set(this.pending)
    joined.set(chunk, this.pending.length)
    let offset = 0
    if (!this.header) {
      if (joined.length < PCAP_HEADER_BYTES) {
        this.pending = joined
        return []
      }
      this.header = parsePcapHeader(joined)
      if (!this.header) {
        this.error = 'the stream is not pcap (no pcap magic number)'
        return []
      }
      offset = PCAP_HEADER_BYTES
    }
    const { littleEndian, nanoseconds } = this.header
    const view = new DataView(joined.buffer, joined.byteOffset, joined.byteLength)
    const records: PcapRecord[] = []
    while (joined.length - offset >= RECORD_HEADER_BYTES) {
      const seconds = view.getUint32(offset, littleEndian)
      const fraction = view.getUint32(offset + 4, littleEndian)
      const included = view.getUint32(offset + 8, littleEndian)
      const originalLength = view.getUint32(offset + 12, littleEndian)
      if (included > MAX_RECORD_BYTES) {
        this.error = `a record of ${included} bytes is not a frame`
        return records
      }
      if (joined.length - offset - RECORD_HEADER_BYTES < included) break
      const start = offset + RECORD_HEADER_BYTES
      records.push({
        time: seconds + fraction / (nanoseconds ? 1e9 : 1e6),
        originalLength,
        data: joined.slice(start, start + included),
      })
      offset = start + included
    }
    this.pending = joined.slice(offset)
    return records
  }
}

/** One row of the packet list. */
export interface DecodedFrame {
  readonly source: string
  readonly destination: string
  /** The 802.1Q (and 802.1ad) tags, outermost first; empty when untagged. */
  readonly vlans: readonly number[]
  readonly protocol: string
  readonly summary: string
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0')
const macAt = (b: Uint8Array, at: number): string => Array.from(b.subarray(at, at + 6), hex2).join(':')
const ipv4At = (b: Uint8Array, at: number): string => Array.from(b.subarray(at, at + 4)).join('.')

/** An IPv6 address in its short form (RFC 5952: the longest run of two or more zero groups as ::). */
export function ipv6At(b: Uint8Array, at: number): string {
  const groups: number[] = []
  for (let i = 0; i < 8; i++) groups.push(((b[at + 2 * i] ?? 0) << 8) | (b[at + 2 * i + 1] ?? 0))
  let bestStart = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) {
      bestStart = i
      bestLength = j - i
    }
    i = j
  }
  const text = (g: number[]) => g.map((n) => n.toString(16)).join(':')
  if (bestStart < 0) return text(groups)
  return `${text(groups.slice(0, bestStart))}::${text(groups.slice(bestStart + bestLength))}`
}

const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0)

const ICMP4: Record<number, string> = {
  0: 'echo reply',
  3: 'destination unreachable',
  8: 'echo request',
  11: 'time exceeded',
}
const ICMP6: Record<number, string> = {
  1: 'destination unreachable',
  3: 'time exceeded',
  128: 'echo request',
  129: 'echo reply',
  133: 'router solicitation',
  134: 'router advertisement',
  135: 'neighbor solicitation',
  136: 'neighbor advertisement',
  143: 'multicast listener report v2',
}

function tcpFlags(flags: number): string {
  const names: [number, string][] = [
    [0x02, 'SYN'],
    [0x10, 'ACK'],
    [0x01, 'FIN'],
    [0x04, 'RST'],
    [0x08, 'PSH'],
  ]
  return names
    .filter(([bit]) => flags & bit)
    .map(([, n]) => n)
    .join(',')
}

/** The transport part of an IP packet: its protocol name and summary. */
function transport(
  b: Uint8Array,
  at: number,
  proto: number,
  family: 4 | 6,
): { protocol: string; summary: string } {
  const short = (what: string) => ({ protocol: what, summary: `${what} (truncated)` })
  if ((family === 4 && proto === 1) || (family === 6 && proto === 58)) {
    const name = family === 4 ? 'ICMP' : 'ICMPv6'
    if (b.length < at + 4) return short(name)
    const type = b[at]!
    const what = (family === 4 ? ICMP4 : ICMP6)[type] ?? `type ${type}`
    const echo = family === 4 ? type === 0 || type === 8 : type === 128 || type === 129
    const detail = echo && b.length >= at + 8 ? `, id ${u16(b, at + 4)}, seq ${u16(b, at + 6)}` : ''
    if (family === 6 && (type === 135 || type === 136) && b.length >= at + 24)
      return { protocol: name, summary: `${what} ${ipv6At(b, at + 8)}` }
    return { protocol: name, summary: `${what}${detail}` }
  }
  if (proto === 6 || proto === 17) {
    const name = proto === 6 ? 'TCP' : 'UDP'
    if (b.length < at + 4) return short(name)
    const ports = `${u16(b, at)} → ${u16(b, at + 2)}`
    if (proto === 6 && b.length >= at + 14) {
      const flags = tcpFlags(b[at + 13]!)
      return { protocol: name, summary: `${ports}${flags ? ` [${flags}]` : ''}` }
    }
    return { protocol: name, summary: ports }
  }
  return { protocol: family === 4 ? 'IPv4' : 'IPv6', summary: `protocol ${proto}` }
}

/** Decodes one Ethernet frame for the packet list. */
export function decodeFrame(b: Uint8Array): DecodedFrame {
  if (b.length < 14)
    return {
      source: '',
      destination: '',
      vlans: [],
      protocol: 'unknown',
      summary: `${b.length} bytes, too short for Ethernet`,
    }
  const srcMac = macAt(b, 6)
  const dstMac = macAt(b, 0)
  const vlans: number[] = []
  let type = u16(b, 12)
  let at = 14
  while ((type === 0x8100 || type === 0x88a8) && b.length >= at + 4 && vlans.length < 4) {
    vlans.push(u16(b, at) & 0x0fff)
    type = u16(b, at + 2)
    at += 4
  }
  const frame = (source: string, destination: string, protocol: string, summary: string): DecodedFrame => ({
    source,
    destination,
    vlans,
    protocol,
    summary,
  })
  if (type === 0x0806) {
    if (b.length < at + 28) return frame(srcMac, dstMac, 'ARP', 'ARP (truncated)')
    const op = u16(b, at + 6)
    const senderIp = ipv4At(b, at + 14)
    const targetIp = ipv4At(b, at + 24)
    const summary =
      op === 1
        ? `who has ${targetIp}? tell ${senderIp}`
        : op === 2
          ? `${senderIp} is at ${macAt(b, at + 8)}`
          : `operation ${op}`
    return frame(senderIp, targetIp, 'ARP', summary)
  }
  if (type === 0x0800) {
    if (b.length < at + 20) return frame(srcMac, dstMac, 'IPv4', 'IPv4 (truncated)')
    const headerLength = ((b[at] ?? 0) & 0x0f) * 4
    const { protocol, summary } = transport(b, at + Math.max(20, headerLength), b[at + 9]!, 4)
    return frame(ipv4At(b, at + 12), ipv4At(b, at + 16), protocol, summary)
  }
  if (type === 0x86dd) {
    if (b.length < at + 40) return frame(srcMac, dstMac, 'IPv6', 'IPv6 (truncated)')
    let next = b[at + 6]!
    let inner = at + 40
    // Hop-by-hop options (MLD reports carry them): skip to what they lead to.
    if (next === 0 && b.length >= inner + 8) {
      next = b[inner]!
      inner += ((b[inner + 1] ?? 0) + 1) * 8
    }
    const { protocol, summary } = transport(b, inner, next, 6)
    return frame(ipv6At(b, at + 8), ipv6At(b, at + 24), protocol, summary)
  }
  if (type === 0x88cc) return frame(srcMac, dstMac, 'LLDP', 'LLDP')
  return frame(
    srcMac,
    dstMac,
    `0x${type.toString(16).padStart(4, '0')}`,
    `ethertype 0x${type.toString(16).padStart(4, '0')}`,
  )
}
