// Name rules shared by the lab file, the pipework parser and (later) every driver. A name that passes
// these is safe as one argv element for ip, ovs-vsctl and docker; it is never joined into a shell line.

/** Linux's IFNAMSIZ is 16 including the NUL byte. */
export const IFNAME_MAX_BYTES = 15

const IFNAME_CHARS = /^[A-Za-z0-9_.-]+$/

const byteLength = (s: string): number => new TextEncoder().encode(s).length

/** Why `name` cannot be a Linux interface name, or null when it can. */
export function ifnameProblem(name: string): string | null {
  if (name.length === 0) return 'an interface name cannot be empty'
  const bad = [...name].find((c) => !IFNAME_CHARS.test(c))
  if (bad !== undefined) {
    return `${JSON.stringify(name)} contains ${JSON.stringify(bad)}: interface names use only A-Z a-z 0-9 _ . -`
  }
  if (name.startsWith('-'))
    return `${JSON.stringify(name)} starts with "-", which tools would read as an option`
  if (name === '.' || name === '..') return `${JSON.stringify(name)} is not a valid interface name`
  const bytes = byteLength(name)
  if (bytes > IFNAME_MAX_BYTES) {
    return `${JSON.stringify(name)} is ${bytes} bytes; Linux interface names are at most ${IFNAME_MAX_BYTES}`
  }
  return null
}

/** Node names become container, netns and bridge names: the interface rules, but up to 63 bytes
 *  (a bridge's node name is also its interface name, which validation checks separately). */
export const NODE_NAME_MAX_BYTES = 63
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

/** Names that already mean something to ip, OVS or Docker. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'lo',
  'all',
  'default',
  'local',
  'none',
  'host',
  'ovs-system',
  'ovs-netdev',
])

export function nodeNameProblem(name: string): string | null {
  if (name.length === 0) return 'a name cannot be empty'
  if (name.startsWith('-'))
    return `${JSON.stringify(name)} starts with "-", which tools would read as an option`
  if (!NODE_NAME.test(name)) {
    const bad = [...name].find((c) => !/[A-Za-z0-9_.-]/.test(c))
    return bad === undefined
      ? `${JSON.stringify(name)} must start with a letter or digit`
      : `${JSON.stringify(name)} contains ${JSON.stringify(bad)}: names use only A-Z a-z 0-9 _ . -`
  }
  if (byteLength(name) > NODE_NAME_MAX_BYTES) {
    return `${JSON.stringify(name)} is longer than ${NODE_NAME_MAX_BYTES} bytes`
  }
  if (RESERVED_NAMES.has(name))
    return `${JSON.stringify(name)} is reserved (it already means something to ip, OVS or Docker)`
  return null
}

const LAB_NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/

/** The lab name goes into ownership marks and generated names, so it is short and plain. */
export function labNameProblem(name: string): string | null {
  if (LAB_NAME.test(name)) return null
  return `${JSON.stringify(name)} is not a lab name: use 1-32 of a-z 0-9 -, not starting or ending with -`
}

// The grammar of link ids (normalize.ts linkIds), for ids read back from the machine: a guest link
// `node:ifname`, a wire `a~b` or a tunnel `a~b~vxlanN`, either with `#N` when parallel.
const NODE_PART = '[A-Za-z0-9][A-Za-z0-9_.-]{0,62}'
const IFNAME_PART = '[A-Za-z0-9_.][A-Za-z0-9_.-]{0,14}'
const LINK_ID = new RegExp(
  `^(?:${NODE_PART}:${IFNAME_PART}|${NODE_PART}~${NODE_PART}(?:~vxlan[0-9]{0,8})?)(?:#[0-9]{1,6})?$`,
)
const NODE_ID = new RegExp(`^${NODE_PART}$`)
const IFNAME_ID = new RegExp(`^${IFNAME_PART}$`)

export const isLinkId = (text: string): boolean => LINK_ID.test(text)
export const isNodeName = (text: string): boolean => NODE_ID.test(text)
export const isLabName = (text: string): boolean => LAB_NAME.test(text)
export const isIfname = (text: string): boolean => IFNAME_ID.test(text) && text !== '.' && text !== '..'

// Docker's image reference grammar (distribution/reference): [host[:port]/]path[:tag][@digest],
// path components in lower case joined by . _ __ or dashes; IPv6 registry hosts are not accepted.
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = `${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]+)?`
const PATH_PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const IMAGE_REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_PART}(?:/${PATH_PART})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
)
/** Docker refuses longer names; the whole reference stays well within argv and log lines. */
const IMAGE_MAX_LENGTH = 255

/** An image reference as Docker reads it: it goes to the Docker API and into printed commands. */
export function imageProblem(image: string): string | null {
  if (image.startsWith('-'))
    return `image ${JSON.stringify(image)} starts with "-", which tools would read as an option`
  if (image.length > IMAGE_MAX_LENGTH)
    return `image reference is ${image.length} characters; Docker takes at most ${IMAGE_MAX_LENGTH}`
  if (!IMAGE_REFERENCE.test(image))
    return `${JSON.stringify(image)} is not an image reference like "alpine", "labbox:latest" or "registry:5000/team/app:1.2@sha256:…"`
  return null
}
