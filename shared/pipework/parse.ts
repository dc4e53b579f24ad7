// pipework's argument syntax, parsed the way the script reads it (positionally), but checked: every
// name, address, MAC and VLAN is validated before anything could run, and nothing is word-split.
import { addressFamily, addressProblem, parseCidr } from '../lab/addresses.ts'
import { macProblem } from '../lab/mac.ts'
import { ifnameProblem, nodeNameProblem } from '../lab/names.ts'
import { DEFAULT_GUEST_IFNAME } from '../lab/normalize.ts'
import { vlanProblem } from '../lab/vlan.ts'
import type {
  DhcpClientName,
  HostInterface,
  PipeworkAddress,
  PipeworkCommand,
  PipeworkError,
} from './command.ts'

const fail = (field: string, value: string, message: string): PipeworkError => ({
  kind: 'error',
  field,
  value,
  message,
})

/** Arguments of route/rule/tc: plain words only, since they become argv of `ip`/`tc`. */
const TOOL_ARG = /^[A-Za-z0-9_.:/@+,=-]+$/
/** DHCP client options after `dhcp:`: words and spaces, no shell. */
const DHCP_OPTIONS = /^[A-Za-z0-9 _.:=,/-]*$/

class Failure extends Error {
  constructor(readonly error: PipeworkError) {
    super(error.message)
  }
}

function check(field: string, value: string, problem: string | null): string {
  if (problem) throw new Failure(fail(field, value, problem))
  return value
}

/** Parses the arguments after the word `pipework`. */
export function parsePipework(argv: readonly string[]): PipeworkCommand | PipeworkError {
  try {
    return parse([...argv])
  } catch (e) {
    if (e instanceof Failure) return e.error
    throw e
  }
}

function parse(args: string[]): PipeworkCommand {
  if (args.length === 0)
    throw new Failure(
      fail(
        'hostinterface',
        '',
        'missing arguments: pipework <hostinterface> <guest> <ipaddr>/<subnet>[@gateway] [macaddr][@vlan]',
      ),
    )
  if (args[0] === '--wait') {
    // pipework reads `-i` in the second position here too: `pipework --wait [-i ifname]`.
    if (args.length === 1) return { kind: 'wait', ifname: DEFAULT_GUEST_IFNAME }
    if (args[1] === '-i' && args.length === 3)
      return { kind: 'wait', ifname: check('-i', args[2]!, ifnameProblem(args[2]!)) }
    throw new Failure(
      fail(
        '--wait',
        args.slice(1).join(' '),
        `pipework --wait takes only [-i containerinterface], not ${JSON.stringify(args.slice(1).join(' '))}`,
      ),
    )
  }
  const directPhys = args[0] === '--direct-phys'
  if (directPhys) args.shift()

  const first = args.shift() ?? ''
  if (first === 'route' || first === 'rule' || first === 'tc') return guestTool(first, args)

  const hostInterface = parseHostInterface(first)
  let ifname: string | undefined
  let localIfname: string | undefined
  let family: 4 | 6 | undefined
  // pipework checks -i, -l, -a in that order; any order is accepted here, each once.
  while (args[0]?.startsWith('-')) {
    const flag = args.shift()!
    const value = args.shift()
    if (value === undefined) throw new Failure(fail(flag, '', `${flag} needs a value`))
    if (flag === '-i' && ifname === undefined) ifname = check('-i', value, ifnameProblem(value))
    else if (flag === '-l' && localIfname === undefined)
      localIfname = check('-l', value, ifnameProblem(value))
    else if (flag === '-a' && family === undefined) {
      if (value !== '4' && value !== '6')
        throw new Failure(fail('-a', value, `-a takes 4 or 6, not ${JSON.stringify(value)}`))
      family = Number(value) as 4 | 6
    } else throw new Failure(fail(flag, value, `unknown or repeated option ${JSON.stringify(flag)}`))
  }
  const guest = args.shift()
  if (guest === undefined)
    throw new Failure(fail('guest', '', 'missing the guest (a container or netns name)'))
  check('guest', guest, nodeNameProblem(guest))
  const ipText = args.shift()
  if (ipText === undefined)
    throw new Failure(
      fail('ipaddr', '', `missing the address for ${guest}: <ipaddr>/<subnet>[@gateway] or dhcp`),
    )
  const address = parseAddress(ipText, family)
  const macSlot = args.shift()
  if (args.length > 0)
    throw new Failure(fail('arguments', args.join(' '), `unexpected extra arguments: ${args.join(' ')}`))
  const { mac, vlan } = parseMacSlot(macSlot)
  return {
    kind: 'attach',
    hostInterface,
    guest,
    ifname: ifname ?? DEFAULT_GUEST_IFNAME,
    ...(localIfname !== undefined ? { localIfname } : {}),
    family: family ?? (address.kind === 'static' ? (addressFamily(address.cidr.split('/')[0]!) ?? 4) : 4),
    address,
    ...(mac !== undefined ? { mac } : {}),
    ...(vlan !== undefined ? { vlan } : {}),
    directPhys,
  }
}

function parseHostInterface(text: string): HostInterface {
  if (text.startsWith('mac:')) {
    const mac = text.slice(4)
    return {
      mac: check(
        'hostinterface',
        mac,
        mac.startsWith('U:') ? 'a host NIC is named by its real MAC, not U:seed' : macProblem(mac),
      ),
    }
  }
  return { name: check('hostinterface', text, ifnameProblem(text)) }
}

function guestTool(kind: 'route' | 'rule' | 'tc', args: string[]): PipeworkCommand {
  const guest = args.shift()
  if (guest === undefined) throw new Failure(fail('guest', '', `pipework ${kind} <guest> <${kind}_command>`))
  check('guest', guest, nodeNameProblem(guest))
  if (args.length === 0)
    throw new Failure(fail(`${kind}_command`, '', `missing the ${kind} command after ${guest}`))
  for (const arg of args) {
    // `ip`/`tc` read a word in option form wherever it stands: -batch FILE runs commands from a
    // file, -netns NAME leaves the guest. A route, rule or tc command never needs one here.
    if (arg.startsWith('-'))
      throw new Failure(
        fail(
          `${kind}_command`,
          arg,
          `${JSON.stringify(arg)} starts with "-": options of ${kind === 'tc' ? 'tc' : 'ip'} itself are not passed on`,
        ),
      )
    if (!TOOL_ARG.test(arg))
      throw new Failure(
        fail(
          `${kind}_command`,
          arg,
          `${JSON.stringify(arg)} is not a plain ${kind} argument (letters, digits and _ . : / @ + , = - only)`,
        ),
      )
  }
  return { kind, guest, args }
}

const DHCP_FORMS = /^(dhcp|udhcpc|dhclient|dhcpcd)(-f)?(?::(.*))?$/

function parseAddress(text: string, family: 4 | 6 | undefined): PipeworkAddress {
  const dhcp = DHCP_FORMS.exec(text)
  if (dhcp) {
    const [, client, foreground, options] = dhcp as unknown as [
      string,
      DhcpClientName,
      string | undefined,
      string | undefined,
    ]
    if (foreground && (client === 'dhcp' || client === 'dhcpcd'))
      throw new Failure(
        fail('ipaddr', text, `${JSON.stringify(text)}: ${client} has no -f form; use udhcpc-f or dhclient-f`),
      )
    if (options !== undefined && !DHCP_OPTIONS.test(options))
      throw new Failure(
        fail(
          'ipaddr',
          text,
          `DHCP options ${JSON.stringify(options)} may use only letters, digits, spaces and _ . : = , / -`,
        ),
      )
    return {
      kind: 'dhcp',
      client,
      foreground: foreground !== undefined,
      ...(options !== undefined ? { options } : {}),
    }
  }
  const at = text.indexOf('@')
  const cidrText = at < 0 ? text : text.slice(0, at)
  const gateway = at < 0 ? undefined : text.slice(at + 1)
  if (!cidrText.includes('/')) {
    throw new Failure(
      fail('ipaddr', text, `the IP address should include a netmask. Maybe you meant ${cidrText}/24?`),
    )
  }
  const cidr = parseCidr(cidrText)
  if (typeof cidr === 'string') throw new Failure(fail('ipaddr', text, cidr))
  if (family !== undefined && cidr.family !== family) {
    throw new Failure(
      fail('-a', String(family), `-a ${family} but ${cidrText} is an IPv${cidr.family} address`),
    )
  }
  if (gateway !== undefined) {
    check('gateway', gateway, addressProblem(gateway))
    if (addressFamily(gateway) !== cidr.family)
      throw new Failure(
        fail('gateway', gateway, `gateway ${gateway} is not IPv${cidr.family} like ${cidrText}`),
      )
  }
  return { kind: 'static', cidr: cidrText, ...(gateway !== undefined ? { gateway } : {}) }
}

/** `[macaddr][@vlan]`: `02:…@100`, `@100` (the seeds' empty MAC slot), `U:seed`, or nothing. */
function parseMacSlot(slot: string | undefined): { mac?: string; vlan?: number } {
  if (slot === undefined || slot === '') return {}
  const at = slot.indexOf('@')
  const macText = at < 0 ? slot : slot.slice(0, at)
  const vlanText = at < 0 ? undefined : slot.slice(at + 1)
  const out: { mac?: string; vlan?: number } = {}
  if (macText !== '') out.mac = check('macaddr', macText, macProblem(macText))
  if (vlanText !== undefined) {
    if (!/^\d{1,4}$/.test(vlanText))
      throw new Failure(fail('vlan', vlanText, `VLAN ${JSON.stringify(vlanText)} is not a number 1-4094`))
    out.vlan = Number(vlanText)
    check('vlan', vlanText, vlanProblem(out.vlan))
  }
  return out
}
