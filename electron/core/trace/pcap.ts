// A pcap stream as tcpdump writes it (`-w -`), read as hostile bytes: the global header, then
// records, each bounded; and the few frames a trace looks for decoded from their bytes (802.1Q
// tags, ARP, ICMP echo). Anything malformed ends the stream's reading, never the process.

/** One captured frame: when (µs since the epoch) and its bytes (at most the snap length). */
export interface PcapRecord {
  readonly atUs: number
  readonly data: Uint8Array
}

const MAGIC_US = 0xa1b2c3d4
const MAGIC_NS = 0xa1b23c4d
/** Records larger than this are not frames tcpdump with our snap length writes. */
const MAX_RECORD = 65_535

/**
 * Reads a pcap stream chunk by chunk. `push` returns the records complete so far; once the bytes
 * stop making sense (a wrong magic, a record too large) it reads nothing more and says why.
 */
export class PcapReader {
  private buffer = new Uint8Array(0)
  private little: boolean | null = null
  private nanos = false
  private linkType = -1
  broken: string | null = null

  /** Ethernet (1) is the only link type a trace reads. */
  get ethernet(): boolean {
    return this.linkType === 1
  }

  push(chunk: Uint8Array): PcapRecord[] {
    if (this.broken) return []
    const joined = new Uint8Array(this.buffer.length + chunk.length)
    joined.set(this.buffer)
    joined.set(chunk, this.buffer.length)
    this.buffer = joined
    const out: PcapRecord[] = []
    let at = 0
    const view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength)
    if (this.little === null) {
      if (this.buffer.length < 24) return out
      const magicLe = view.getUint32(0, true)
      const magicBe = view.getUint32(0, false)
      if (magicLe === MAGIC_US || magicLe === MAGIC_NS) this.little = true
      else if (magicBe === MAGIC_US || magicBe === MAGIC_NS) this.little = false
      else {
        this.broken = 'not a pcap stream'
        return out
      }
      this.nanos = (this.little ? magicLe : magicBe) === MAGIC_NS
      this.linkType = view.getUint32(20, this.little)
      at = 24
    }
    const le = this.little
    while (this.buffer.length - at >= 16) {
      const seconds = view.getUint32(at, le)
      const fraction = view.getUint32(at + 4, le)
      const captured = view.getUint32(at + 8, le)
      if (captured > MAX_RECORD) {
        this.broken = `a record of ${captured} bytes`
        return out
      }
      if (this.buffer.length - at - 16 < captured) break
      const data = this.buffer.slice(at + 16, at + 16 + captured)
      out.push({ atUs: seconds * 1_000_000 + (this.nanos ? Math.floor(fraction / 1000) : fraction), data })
      at += 16 + captured
    }
    this.buffer = this.buffer.slice(at)
    return out
  }
}

export type FrameKind = 'arp-request' | 'arp-reply' | 'echo-request' | 'echo-reply'

/** What a trace wants to know of a frame: its kind, its outer 802.1Q tag, its addresses. */
export interface Frame {
  readonly kind: FrameKind
  /** The outermost 802.1Q (or 802.1ad) tag's VLAN id; null when the frame is untagged. */
  readonly vlan: number | null
  readonly srcMac: string
  readonly dstMac: string
  /** ARP: sender and target protocol address; ICMP: source and destination. */
  readonly src: string
  readonly dst: string
}

const mac = (b: Uint8Array, at: number): string =>
  Array.from(b.subarray(at, at + 6), (x) => x.toString(16).padStart(2, '0')).join(':')
const ipv4 = (b: Uint8Array, at: number): string => Array.from(b.subarray(at, at + 4)).join('.')

/** The frame's kind and tag, or null for anything that is not an IPv4 ARP or ICMP echo. */
export function decodeFrame(b: Uint8Array): Frame | null {
  if (b.length < 14) return null
  let at = 12
  let type = (b[at]! << 8) | b[at + 1]!
  let vlan: number | null = null
  // At most two tags (QinQ): the outer one is the tag on this wire.
  for (let tags = 0; (type === 0x8100 || type === 0x88a8) && tags < 2; tags++) {
    if (b.length < at + 6) return null
    if (vlan === null) vlan = ((b[at + 2]! << 8) | b[at + 3]!) & 0x0fff
    at += 4
    type = (b[at]! << 8) | b[at + 1]!
  }
  at += 2
  const base = { vlan, dstMac: mac(b, 0), srcMac: mac(b, 6) }
  if (type === 0x0806) {
    // Ethernet/IPv4 ARP: htype 1, ptype 0x0800, hlen 6, plen 4.
    if (b.length < at + 28 || b[at + 4] !== 6 || b[at + 5] !== 4) return null
    const op = (b[at + 6]! << 8) | b[at + 7]!
    if (op !== 1 && op !== 2) return null
    return {
      ...base,
      kind: op === 1 ? 'arp-request' : 'arp-reply',
      src: ipv4(b, at + 14),
      dst: ipv4(b, at + 24),
    }
  }
  if (type === 0x0800) {
    if (b.length < at + 20 || b[at]! >> 4 !== 4) return null
    const headerLength = (b[at]! & 0x0f) * 4
    if (b[at + 9] !== 1 || headerLength < 20 || b.length < at + headerLength + 1) return null
    const icmpType = b[at + headerLength]
    if (icmpType !== 8 && icmpType !== 0) return null
    return {
      ...base,
      kind: icmpType === 8 ? 'echo-request' : 'echo-reply',
      src: ipv4(b, at + 12),
      dst: ipv4(b, at + 16),
    }
  }
  return null
}

/** A frame in a sentence: `ARP who-has 10.0.0.2 tell 10.0.0.1`. */
export function describeFrame(f: Frame): string {
  switch (f.kind) {
    case 'arp-request':
      return `ARP who-has ${f.dst} tell ${f.src}`
    case 'arp-reply':
      return `ARP ${f.src} is-at ${f.srcMac}`
    case 'echo-request':
      return `ICMP echo request ${f.src} > ${f.dst}`
    case 'echo-reply':
      return `ICMP echo reply ${f.src} > ${f.dst}`
  }
}
