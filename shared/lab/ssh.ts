// Where a real machine of a lab is reached: an OpenSSH destination. Every piece ends up as one
// argv element of `ssh` (never a shell line), and still each is held to a narrow alphabet: a user
// or host beginning with `-` would be read as an option, and ssh expands `%` tokens in paths.
import { addressFamily } from './addresses.ts'
import type { Lab } from './schema.ts'

/** The long form's fields, and the short form `user@host` parsed into them. */
export interface SshDestination {
  readonly user: string
  readonly host: string
  readonly port: number
  /** A private key file (absolute path); default: ssh's own choice for the user. */
  readonly identityFile?: string
  /** The known-hosts file the machine's key must be in; default ~/.ssh/known_hosts. */
  readonly knownHostsFile?: string
}

const USER = /^[a-z_][a-z0-9_-]{0,31}$/
const DNS_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/
const PATH = /^\/[A-Za-z0-9._/+-]{1,1023}$/

export function sshUserProblem(user: string): string | null {
  return USER.test(user)
    ? null
    : `ssh user ${JSON.stringify(user)} is not a login name (a-z 0-9 _ -, starting with a letter or _, at most 32)`
}

/** A host is an IPv4 or IPv6 address or a DNS name: nothing ssh could read as an option or a token. */
export function sshHostProblem(host: string): string | null {
  if (addressFamily(host) !== null || DNS_NAME.test(host)) return null
  return `ssh host ${JSON.stringify(host)} is neither an IP address nor a DNS name`
}

export function sshPathProblem(path: string): string | null {
  if (!PATH.test(path) || path.split('/').includes('..'))
    return `${JSON.stringify(path)} is not an absolute path of A-Z a-z 0-9 . _ / + - (no "..")`
  return null
}

export function sshPortProblem(port: number): string | null {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? null : `ssh port ${port} is outside 1-65535`
}

/** `user@host` (user required: a lab says who it logs in as). */
export function sshTargetProblem(target: string): string | null {
  const at = target.lastIndexOf('@')
  if (at <= 0) return `ssh ${JSON.stringify(target)} is not user@host`
  return sshUserProblem(target.slice(0, at)) ?? sshHostProblem(target.slice(at + 1))
}

/** The short form or the long form (both already validated) as one destination. */
export function sshDestination(
  spec:
    | string
    | { user: string; host: string; port?: number; identityFile?: string; knownHostsFile?: string },
): SshDestination {
  if (typeof spec === 'string') {
    const at = spec.lastIndexOf('@')
    return { user: spec.slice(0, at), host: spec.slice(at + 1), port: 22 }
  }
  return {
    user: spec.user,
    host: spec.host,
    port: spec.port ?? 22,
    ...(spec.identityFile !== undefined ? { identityFile: spec.identityFile } : {}),
    ...(spec.knownHostsFile !== undefined ? { knownHostsFile: spec.knownHostsFile } : {}),
  }
}

/** A host reached over SSH: a real machine of the lab. */
export const isMachine = (lab: Lab, host: string): boolean => lab.hosts?.[host]?.ssh !== undefined

/** A machine's underlay address: `address:`, else its ssh host when that is an IP address. */
export function machineAddress(lab: Lab, host: string): string | null {
  const spec = lab.hosts?.[host]
  if (!spec?.ssh) return null
  if (spec.address !== undefined) return spec.address
  const target = sshDestination(spec.ssh).host
  return addressFamily(target) !== null ? target : null
}

/** Where a machine is reached, as its frame says it: `user@host`; undefined for a simulated host. */
export function sshTarget(ssh: unknown): string | undefined {
  if (typeof ssh === 'string') return ssh
  if (ssh && typeof ssh === 'object' && 'user' in ssh && 'host' in ssh) return `${ssh.user}@${ssh.host}`
  return undefined
}
