// Rules that relate the fields of a lab to each other. Runs on the parts of a lab that passed the
// schema, so one bad field does not hide the other problems of the file.
import { broadcastDomains } from '../l2/domains.ts'
import { pairEnds } from '../plan/device-names.ts'
import { addressFamily, canonicalAddress, inSubnet } from './addresses.ts'
import { checkLinkExtras } from './link-extras.ts'
import { ifnameProblem, nodeNameProblem } from './names.ts'
import {
  gateways,
  guestIfname,
  LOCAL_HOST,
  linuxBridgeVlanLinks,
  nodeHost,
  staticAddresses,
} from './normalize.ts'
import { error, type Problem, warning } from './problem.ts'
import { BRIDGE_KINDS, GUEST_KINDS, type GuestLink, isGuestPair, type Lab, type WireLink } from './schema.ts'
import { isMachine, machineAddress } from './ssh.ts'

export interface ValidateOptions {
  /** Nodes that exist in the file but failed the schema: referring to them is not a second error. */
  readonly invalidNodes?: ReadonlySet<string>
}

export function validateLab(lab: Lab, options: ValidateOptions = {}): Problem[] {
  const invalid = options.invalidNodes ?? new Set<string>()
  const problems: Problem[] = [...checkNames(lab), ...checkNodes(lab)]
  const links = lab.links ?? []
  const guestIfnames = new Map<string, number>()
  const hostIfnames = new Map<string, number>()
  links.forEach((link, index) => {
    const at = (...rest: (string | number)[]) => ['links', index, ...rest]
    const pair = isGuestPair(lab, link)
    if ('guest' in link) problems.push(...checkGuestLink(lab, link, at, invalid))
    else if (pair) problems.push(...checkGuestPair(lab, link, at))
    else problems.push(...checkWire(lab, link, at, invalid))
    problems.push(...checkLinkExtras(lab, link, at))

    const insideGuests: { guest: string; ifname: string; path: (string | number)[] }[] =
      'guest' in link
        ? [{ guest: link.guest, ifname: guestIfname(link), path: at(link.ifname ? 'ifname' : 'guest') }]
        : pair
          ? pairEnds(lab.name, link).map((end) => ({
              guest: end.guest,
              ifname: end.ifname,
              path: at(link.ifnames ? 'ifnames' : 'between', end.end),
            }))
          : []
    for (const { guest, ifname, path } of insideGuests) {
      const key = `${guest}:${ifname}`
      const first = guestIfnames.get(key)
      if (first !== undefined) {
        problems.push(
          error(
            path,
            `${guest} already has an interface ${ifname} (links[${first}]); give this link another ifname`,
          ),
        )
      } else guestIfnames.set(key, index)
    }
    // A guest pair's names are inside its guests, checked above: none is on a host.
    const named = 'guest' in link ? [link.hostIfname] : pair ? [] : (link.ifnames ?? [])
    for (const [i, name] of named.entries()) {
      if (name === undefined) continue
      const hostNode = 'guest' in link ? lab.nodes[link.to] : lab.nodes[link.between[i as 0 | 1]]
      const key = `${hostNode ? nodeHost(hostNode) : LOCAL_HOST}:${name}`
      const path = 'guest' in link ? at('hostIfname') : at('ifnames', i)
      if (
        hostIfnames.has(key) ||
        lab.nodes[name]?.kind === 'linux-bridge' ||
        lab.nodes[name]?.kind === 'ovs-bridge'
      ) {
        problems.push(error(path, `host interface name ${JSON.stringify(name)} is already used on this host`))
      }
      hostIfnames.set(key, index)
    }
  })
  for (const name of Object.keys(lab.layout ?? {})) {
    // A host's entry places its frame on the canvas while the host is still empty.
    if (!(name in lab.nodes) && !(name in (lab.hosts ?? {})))
      problems.push(
        warning(['layout', name], `layout names ${JSON.stringify(name)}, which is not a node or a host`),
      )
  }
  if (!problems.some((p) => p.severity === 'error')) problems.push(...broadcastDomains(lab).problems)
  return problems
}

/** A host is either simulated or a machine; a lab spread over machines has nothing elsewhere. */
function checkHosts(lab: Lab): Problem[] {
  const problems: Problem[] = []
  const hosts = Object.entries(lab.hosts ?? {})
  for (const [name, spec] of hosts) {
    if (spec.ssh !== undefined && spec.netns === true)
      problems.push(
        error(['hosts', name, 'netns'], 'a host is simulated (netns: true) or reached over ssh, not both'),
      )
    if (spec.ssh === undefined && spec.netns === undefined)
      problems.push(
        error(['hosts', name], 'a host needs netns: true (simulated) or ssh: user@host (a machine)'),
      )
    if (spec.address !== undefined && spec.ssh === undefined)
      problems.push(
        error(['hosts', name, 'address'], 'address is the underlay of a machine reached over ssh'),
      )
  }
  const machines = hosts.filter(([, spec]) => spec.ssh !== undefined).map(([name]) => name)
  if (machines.length === 0) return problems
  for (const [name, spec] of hosts)
    if (spec.ssh === undefined)
      problems.push(
        error(['hosts', name], `a lab spread over machines (${machines.join(', ')}) has no simulated hosts`),
      )
  for (const [name, node] of Object.entries(lab.nodes))
    if (!isMachine(lab, nodeHost(node)))
      problems.push(
        error(
          ['nodes', name, 'host'],
          `${name} has no machine: a lab spread over machines places every node on one (host: ${machines[0]})`,
        ),
      )
  return problems
}

function checkNames(lab: Lab): Problem[] {
  const problems: Problem[] = [...checkHosts(lab)]
  for (const name of Object.keys(lab.hosts ?? {})) {
    const why = nodeNameProblem(name)
    if (why) problems.push(error(['hosts', name], `host name ${why}`, true))
    if (name in lab.nodes)
      problems.push(error(['nodes', name], `${JSON.stringify(name)} names both a host and a node`, true))
  }
  for (const [name, node] of Object.entries(lab.nodes)) {
    const why = nodeNameProblem(name)
    if (why) problems.push(error(['nodes', name], `node name ${why}`, true))
    else if (BRIDGE_KINDS.has(node.kind)) {
      // A bridge's node name is the bridge device's name.
      const ifWhy = ifnameProblem(name)
      if (ifWhy) problems.push(error(['nodes', name], `bridge name ${ifWhy}`, true))
    }
  }
  return problems
}

function checkNodes(lab: Lab): Problem[] {
  const problems: Problem[] = []
  const nics = new Map<string, string>()
  for (const [name, node] of Object.entries(lab.nodes)) {
    const at = (...rest: string[]) => ['nodes', name, ...rest]
    const host = nodeHost(node)
    if (host !== LOCAL_HOST && !(host in (lab.hosts ?? {}))) {
      problems.push(
        error(
          at('host'),
          `unknown host ${JSON.stringify(host)}; declare it under hosts: or leave host out for the local machine`,
        ),
      )
    }
    if (node.kind === 'container' && node.command !== undefined && node.image === undefined) {
      problems.push(
        error(at('command'), 'command is used only when the lab creates the container, so it needs image'),
      )
    }
    if (node.kind === 'uplink') {
      if ((node.interface === undefined) === (node.mac === undefined)) {
        problems.push(
          error(at('interface'), 'an uplink names its host NIC with exactly one of interface: or mac:'),
        )
      }
      const nic = node.interface ?? node.mac
      const key = `${host}:${nic}`
      const other = nics.get(key)
      if (nic !== undefined && other !== undefined) {
        problems.push(
          error(
            at(node.interface ? 'interface' : 'mac'),
            `${nic} is already the uplink ${other} on host ${host}`,
          ),
        )
      } else if (nic !== undefined) nics.set(key, name)
      if (node.interface !== undefined && BRIDGE_KINDS.has(lab.nodes[node.interface]?.kind ?? 'netns')) {
        problems.push(error(at('interface'), `${node.interface} is a bridge of this lab, not a NIC`))
      }
    }
    if (node.kind === 'uplink' && node.ip !== undefined && lab.hosts?.[host]?.netns !== true) {
      problems.push(
        error(
          at('ip'),
          `an address on ${name} would change a real NIC of this machine; ip: on an uplink is for simulated hosts only`,
        ),
      )
    }
    if (node.kind === 'linux-bridge' && node.vlanFiltering === false) {
      for (const index of linuxBridgeVlanLinks(lab, name)) {
        problems.push(
          error(['links', index], `${name} has vlanFiltering: false, but this link sets a VLAN on it`),
        )
      }
    }
  }
  return problems
}

type At = (...rest: (string | number)[]) => (string | number)[]

function checkGuestLink(lab: Lab, link: GuestLink, at: At, invalid: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = []
  const guest = lab.nodes[link.guest]
  const to = lab.nodes[link.to]
  if (!guest && !invalid.has(link.guest))
    problems.push(error(at('guest'), `unknown node ${JSON.stringify(link.guest)}`))
  else if (guest && !GUEST_KINDS.has(guest.kind)) {
    problems.push(error(at('guest'), `${link.guest} is a ${guest.kind}; a guest is a container or a netns`))
  }
  if (!to && !invalid.has(link.to)) problems.push(error(at('to'), `unknown node ${JSON.stringify(link.to)}`))
  else if (to && !BRIDGE_KINDS.has(to.kind) && to.kind !== 'uplink') {
    problems.push(error(at('to'), `${link.to} is a ${to.kind}; a guest plugs into a bridge or an uplink`))
  }
  if (guest && to && nodeHost(guest) !== nodeHost(to)) {
    problems.push(
      error(
        at('to'),
        `${link.guest} is on host ${nodeHost(guest)} but ${link.to} is on host ${nodeHost(to)}; join hosts with a wire between bridges`,
      ),
    )
  }
  if (link.directPhys && to && to.kind !== 'uplink') {
    problems.push(
      error(at('directPhys'), `directPhys moves a host NIC into the guest, but ${link.to} is a ${to.kind}`),
    )
  }
  if (link.hostIfname !== undefined && to?.kind === 'uplink' && link.directPhys) {
    problems.push(
      error(
        at('hostIfname'),
        'with directPhys the NIC itself moves into the guest; there is no host-side interface to name',
      ),
    )
  }
  if (link.dhcpClient !== undefined && link.ip !== 'dhcp')
    problems.push(error(at('dhcpClient'), 'dhcpClient needs ip: dhcp'))

  const addresses = staticAddresses(link)
  const seen = new Set<string>()
  addresses.forEach((a, i) => {
    const key = canonicalAddress(a.address)
    if (seen.has(key))
      problems.push(
        error(Array.isArray(link.ip) ? at('ip', i) : at('ip'), `address ${a.address} is listed twice`),
      )
    seen.add(key)
  })
  const gws = gateways(link)
  const families = new Set<number>()
  for (const [i, gw] of gws.entries()) {
    const path = Array.isArray(link.gateway) ? at('gateway', i) : at('gateway')
    const family = addressFamily(gw)
    if (family === null) continue
    if (families.has(family)) problems.push(error(path, `a link has at most one IPv${family} gateway`))
    families.add(family)
    if (link.ip === 'dhcp') {
      problems.push(error(path, 'with ip: dhcp the gateway comes from the DHCP server; remove gateway'))
      continue
    }
    const same = addresses.filter((a) => a.family === family)
    if (same.length === 0) {
      problems.push(error(path, `gateway ${gw} needs an IPv${family} address on this link`))
    } else if (!same.some((a) => inSubnet(gw, a))) {
      problems.push(error(path, `gateway ${gw} is outside ${same.map((a) => a.subnet).join(', ')}`))
    } else if (same.some((a) => canonicalAddress(a.address) === canonicalAddress(gw))) {
      problems.push(error(path, `gateway ${gw} is this link's own address`))
    }
  }

  return problems
}

/** A veth straight between two guests: no bridge, so no VLAN settings; names and addresses per end. */
function checkGuestPair(lab: Lab, wire: WireLink, at: At): Problem[] {
  const problems: Problem[] = []
  const [a, b] = wire.between
  if (a === b)
    problems.push(error(at('between'), `a link between guests needs two different guests, not ${a} twice`))
  const hostA = nodeHost(lab.nodes[a]!)
  const hostB = nodeHost(lab.nodes[b]!)
  if (hostA !== hostB) {
    problems.push(
      error(
        at('between'),
        `${a} is on host ${hostA} but ${b} is on host ${hostB}; a veth between guests stays on one host`,
      ),
    )
  }
  for (const field of ['trunk', 'native', 'vlan', 'via', 'vni', 'underlay'] as const) {
    if (wire[field] !== undefined) {
      problems.push(
        error(
          at(field),
          `${field} is for wires between bridges; a veth between two guests has no VLANs or tunnel`,
        ),
      )
    }
  }
  for (const field of ['netem', 'state'] as const) {
    if (wire[field] !== undefined)
      problems.push(error(at(field), `${field} is not applied to a veth between two guests in this version`))
  }
  for (const end of pairEnds(lab.name, wire)) {
    const seen = new Set<string>()
    const listed = Array.isArray(wire.ips?.[end.end])
    staticAddresses(end.link).forEach((a, i) => {
      const key = canonicalAddress(a.address)
      const path = listed ? at('ips', end.end, i) : at('ips', end.end)
      if (seen.has(key)) problems.push(error(path, `address ${a.address} is listed twice`))
      seen.add(key)
    })
  }
  return problems
}

function checkWire(lab: Lab, wire: WireLink, at: At, invalid: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = []
  const [a, b] = wire.between
  const guestEnd = wire.between.findIndex((name) => GUEST_KINDS.has(lab.nodes[name]?.kind ?? 'uplink'))
  const ends = [a, b].map((name, i) => {
    const node = lab.nodes[name]
    if (!node) {
      if (!invalid.has(name)) problems.push(error(at('between', i), `unknown node ${JSON.stringify(name)}`))
      return undefined
    }
    if (!BRIDGE_KINDS.has(node.kind) && node.kind !== 'uplink') {
      problems.push(
        error(
          at('between', i),
          GUEST_KINDS.has(node.kind)
            ? `${name} is a ${node.kind}, but ${wire.between[i === 0 ? 1 : 0]} is not a guest; a wire joins bridges, or between: two guests makes a veth between them; plug a guest into a bridge with guest:/to:`
            : `${name} is a ${node.kind}; a wire joins bridges (or a bridge and an uplink); plug guests in with guest:/to:`,
        ),
      )
    }
    return node
  })
  for (const field of ['ips', 'macs'] as const) {
    if (wire[field] !== undefined && guestEnd < 0) {
      problems.push(
        error(at(field), `${field} is for a link between two guests; ${a} and ${b} are not guests`),
      )
    }
  }
  if (a === b) problems.push(error(at('between'), `a wire needs two different ends, not ${a} twice`))
  const simulated = (n: (typeof ends)[number]) => n !== undefined && lab.hosts?.[nodeHost(n)]?.netns === true
  if (ends[0]?.kind === 'uplink' && ends[1]?.kind === 'uplink') {
    // Between two simulated hosts this is the physical cable joining their NICs (an underlay).
    if (!simulated(ends[0]) || !simulated(ends[1]) || nodeHost(ends[0]) === nodeHost(ends[1])) {
      problems.push(
        error(
          at('between'),
          'a wire between two uplinks is only the cable between two simulated hosts; elsewhere put a bridge between them',
        ),
      )
    }
  } else if (
    ends.some((n) => n?.kind === 'uplink') &&
    ends[0] &&
    ends[1] &&
    nodeHost(ends[0]) !== nodeHost(ends[1])
  ) {
    problems.push(error(at('between'), 'an uplink NIC can only join a bridge on its own host'))
  }
  if (wire.vlan !== undefined && (wire.trunk !== undefined || wire.native !== undefined)) {
    problems.push(
      error(at('vlan'), 'a wire is either an access link (vlan) or a trunk (trunk, native), not both'),
    )
  }
  if (wire.trunk) {
    const seen = new Set<number>()
    wire.trunk.forEach((v, i) => {
      if (seen.has(v)) problems.push(error(at('trunk', i), `VLAN ${v} is listed twice`))
      seen.add(v)
    })
  }
  if (wire.via === 'vxlan') {
    if (wire.vni === undefined) problems.push(error(at('via'), 'a vxlan wire needs vni: (1-16777215)'))
    if (ends.some((n) => n?.kind === 'uplink'))
      problems.push(error(at('via'), 'a vxlan tunnel joins two bridges, not an uplink'))
    const machines = ends.every((n) => n !== undefined && isMachine(lab, nodeHost(n)))
    if (machines && wire.underlay !== undefined) {
      problems.push(
        error(
          at('underlay'),
          "a tunnel between two machines runs over each machine's own address (hosts: address, default its ssh host); leave underlay out",
        ),
      )
    } else if (machines) {
      for (const [i, node] of ends.entries()) {
        const host = nodeHost(node!)
        if (machineAddress(lab, host) === null)
          problems.push(
            error(
              at('between', i),
              `machine ${host} is reached by name; give its NIC address (hosts: ${host}: address:) for the tunnel`,
            ),
          )
      }
    } else if (wire.underlay === undefined) {
      problems.push(
        error(
          at('via'),
          "a vxlan wire needs underlay: [uplink on the first end's host, uplink on the second's]",
        ),
      )
    } else {
      wire.underlay.forEach((name, i) => {
        const u = lab.nodes[name]
        const end = ends[i]
        if (!u) {
          if (!invalid.has(name))
            problems.push(error(at('underlay', i), `unknown node ${JSON.stringify(name)}`))
        } else if (u.kind !== 'uplink') {
          problems.push(
            error(at('underlay', i), `${name} is a ${u.kind}; the underlay is an uplink with an address`),
          )
        } else if (end && nodeHost(u) !== nodeHost(end)) {
          problems.push(
            error(
              at('underlay', i),
              `${name} is on host ${nodeHost(u)}, but ${wire.between[i]} is on ${nodeHost(end)}`,
            ),
          )
        } else if (u.ip === undefined) {
          problems.push(error(at('underlay', i), `${name} needs ip: for the tunnel to start from`))
        }
      })
    }
  } else {
    const [a, b] = ends
    if (a && b && isMachine(lab, nodeHost(a)) && nodeHost(a) !== nodeHost(b))
      problems.push(
        error(
          at('via'),
          `${wire.between[0]} is on machine ${nodeHost(a)} and ${wire.between[1]} on ${nodeHost(b)}: no cable joins two machines, set via: vxlan and vni:`,
        ),
      )
    if (wire.vni !== undefined) problems.push(error(at('vni'), 'vni is for via: vxlan'))
    if (wire.underlay !== undefined) problems.push(error(at('underlay'), 'underlay is for via: vxlan'))
  }
  if (
    wire.ifnames &&
    wire.ifnames[0] === wire.ifnames[1] &&
    ends[0] &&
    ends[1] &&
    nodeHost(ends[0]) === nodeHost(ends[1])
  ) {
    problems.push(error(at('ifnames'), `both ends of the wire are named ${wire.ifnames[0]}`))
  }
  return problems
}
