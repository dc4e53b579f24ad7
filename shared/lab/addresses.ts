import ipaddr from 'ipaddr.js'

export type Family = 4 | 6

/** An interface address with its prefix, e.g. 10.0.0.1/24, and the subnet it lies in. */
export interface Cidr {
  readonly text: string
  readonly family: Family
  readonly address: string
  readonly prefix: number
  /** Network address and prefix, e.g. `10.0.0.0/24`: two addresses share a subnet when this is equal. */
  readonly subnet: string
}

type Parsed = { family: Family; addr: ipaddr.IPv4 | ipaddr.IPv6 }

// ipaddr.js alone also accepts 0x0a.1 and other legacy IPv4 spellings; a lab file must say 10.0.0.1.
function parseAddr(text: string): Parsed | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return { family: 4, addr: ipaddr.IPv4.parse(text) }
  if (text.includes(':') && ipaddr.IPv6.isValid(text) && !text.includes('%')) {
    return { family: 6, addr: ipaddr.IPv6.parse(text) }
  }
  return null
}

export function addressFamily(text: string): Family | null {
  return parseAddr(text)?.family ?? null
}

// A lab's addresses are parsed again on every edit (domains, checks); the same few thousand
// strings each time. Results are immutable, so they are kept, up to a bound.
const parsedCidrs = new Map<string, Cidr | string>()
const PARSED_CIDRS_MAX = 100_000

/** Parses `address/prefix`, or returns a sentence saying what is wrong with it. */
export function parseCidr(text: string): Cidr | string {
  let result = parsedCidrs.get(text)
  if (result === undefined) {
    if (parsedCidrs.size >= PARSED_CIDRS_MAX) parsedCidrs.clear()
    result = parseCidrNow(text)
    if (typeof result !== 'string') Object.freeze(result)
    parsedCidrs.set(text, result)
  }
  return result
}

function parseCidrNow(text: string): Cidr | string {
  const slash = text.indexOf('/')
  if (slash < 0) return `${JSON.stringify(text)} has no prefix length: write it as a CIDR, e.g. ${text}/24`
  const addressText = text.slice(0, slash)
  const prefixText = text.slice(slash + 1)
  const parsed = parseAddr(addressText)
  if (!parsed) return `${JSON.stringify(text)}: ${JSON.stringify(addressText)} is not an IPv4 or IPv6 address`
  const max = parsed.family === 4 ? 32 : 128
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
    return `${JSON.stringify(text)}: prefix length must be 0-${max} for IPv${parsed.family}`
  }
  const prefix = Number(prefixText)
  const network =
    parsed.family === 4
      ? ipaddr.IPv4.networkAddressFromCIDR(`${addressText}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${addressText}/${prefix}`)
  return {
    text,
    family: parsed.family,
    address: parsed.addr.toString(),
    prefix,
    subnet: `${network.toString()}/${prefix}`,
  }
}

export function cidrProblem(text: string): string | null {
  const result = parseCidr(text)
  return typeof result === 'string' ? result : null
}

/** Is the plain address `address` inside the subnet of `cidr`? */
export function inSubnet(address: string, cidr: Cidr): boolean {
  const parsed = parseAddr(address)
  if (!parsed || parsed.family !== cidr.family) return false
  const net = ipaddr.parse(cidr.address)
  if (parsed.family === 4) return (parsed.addr as ipaddr.IPv4).match(net as ipaddr.IPv4, cidr.prefix)
  return (parsed.addr as ipaddr.IPv6).match(net as ipaddr.IPv6, cidr.prefix)
}

export function addressProblem(text: string): string | null {
  return parseAddr(text) ? null : `${JSON.stringify(text)} is not an IPv4 or IPv6 address`
}

/** Canonical text of an address (IPv6 compressed), for comparing two spellings of one address. */
export function canonicalAddress(text: string): string {
  return parseAddr(text)?.addr.toString() ?? text
}
