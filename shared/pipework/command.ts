// pipework's command line as data. One type per form the script accepts.

/** pipework's first argument: an interface by name, or (`mac:…`) the host NIC with that MAC. */
export type HostInterface = { readonly name: string } | { readonly mac: string }

export type DhcpClientName = 'dhcp' | 'udhcpc' | 'dhclient' | 'dhcpcd'

export type PipeworkAddress =
  | { readonly kind: 'static'; readonly cidr: string; readonly gateway?: string }
  /** `dhcp` runs the client from a busybox container; the others run the host's client. `-f` keeps it running. */
  | {
      readonly kind: 'dhcp'
      readonly client: DhcpClientName
      readonly foreground: boolean
      readonly options?: string
    }

export interface AttachCommand {
  readonly kind: 'attach'
  readonly hostInterface: HostInterface
  readonly guest: string
  /** `-i`, eth1 when not given. */
  readonly ifname: string
  /** `-l`: the host end's name. */
  readonly localIfname?: string
  /** `-a 4|6`. */
  readonly family: 4 | 6
  readonly address: PipeworkAddress
  /** A MAC address or `U:seed`. */
  readonly mac?: string
  readonly vlan?: number
  /** `--direct-phys`: move the NIC itself into the guest. */
  readonly directPhys: boolean
}

/** `pipework --wait [-i ifname]`, run inside a guest: wait for the interface. */
export interface WaitCommand {
  readonly kind: 'wait'
  readonly ifname: string
}

/** `pipework route|rule|tc <guest> <args…>`: `ip route`, `ip rule` or `tc` inside the guest. */
export interface GuestToolCommand {
  readonly kind: 'route' | 'rule' | 'tc'
  readonly guest: string
  readonly args: readonly string[]
}

export type PipeworkCommand = AttachCommand | WaitCommand | GuestToolCommand

/** Why a pipework line cannot run: the argument, its value, and a sentence. */
export interface PipeworkError {
  readonly kind: 'error'
  readonly field: string
  readonly value: string
  readonly message: string
}

export const isPipeworkError = (x: PipeworkCommand | PipeworkError): x is PipeworkError => x.kind === 'error'
