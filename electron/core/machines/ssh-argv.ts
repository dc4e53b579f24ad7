// How this engine reaches a machine: OpenSSH's client, as an argv array. The far side runs only the
// fixed commands below (no word of a lab is in them); everything else travels as JSON-RPC lines.
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { SshDestination } from '../../../shared/lab/ssh.ts'

/** Where the engine keeps its helper on a machine (a machine's own patchbay state). */
export const REMOTE_HELPER = '/var/lib/patchbay/helper/patchbay-helper.mjs'

/** The one program a lab's calls start on a machine: the helper, as one machine of the lab. */
export const HELPER_COMMAND = `node ${REMOTE_HELPER} --machine`

/**
 * Puts the helper in place from stdin: written beside its place, then renamed over it, so a
 * helper that runs meanwhile keeps its file. Node, too: nothing else needs to be on the machine.
 */
export const INSTALL_COMMAND = `node -e '${[
  'const fs=require("fs"),path=require("path");',
  `const to=${JSON.stringify(REMOTE_HELPER)};`,
  'fs.mkdirSync(path.dirname(to),{recursive:true,mode:0o700});',
  'const tmp=to+".new"+process.pid;const parts=[];',
  'process.stdin.on("data",(b)=>parts.push(b)).on("end",()=>{',
  'fs.writeFileSync(tmp,Buffer.concat(parts),{mode:0o600});fs.renameSync(tmp,to)})',
].join('')}'`

/** Multiplexed connections' sockets: one master per machine, shared by every ssh to it. */
export const CONTROL_DIR = '/run/patchbay/ssh'

export const knownHostsOf = (dest: SshDestination): string =>
  dest.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts')

/**
 * ssh with nothing left to chance: no config file (a user's ProxyCommand or LocalCommand cannot
 * join in), the host key checked against the given known-hosts file and never added, no agent, no
 * X11, no forwarding, no password prompt; one multiplexed connection per machine.
 */
export function sshArgv(dest: SshDestination, command: string, controlDir = CONTROL_DIR): string[] {
  const option = (o: string) => ['-o', o]
  return [
    'ssh',
    '-F',
    '/dev/null',
    '-T',
    ...option('BatchMode=yes'),
    ...option('StrictHostKeyChecking=yes'),
    ...option(`UserKnownHostsFile=${knownHostsOf(dest)}`),
    ...option('UpdateHostKeys=no'),
    ...option('ForwardAgent=no'),
    ...option('ForwardX11=no'),
    ...option('ClearAllForwardings=yes'),
    ...option('PermitLocalCommand=no'),
    ...option('ControlMaster=auto'),
    ...option(`ControlPath=${controlDir}/%C`),
    ...option('ControlPersist=30'),
    ...option('ConnectTimeout=5'),
    ...option('ServerAliveInterval=5'),
    ...option('ServerAliveCountMax=3'),
    ...(dest.identityFile ? [...option('IdentitiesOnly=yes'), '-i', dest.identityFile] : []),
    '-p',
    String(dest.port),
    '-l',
    dest.user,
    '--',
    dest.host,
    command,
  ]
}
