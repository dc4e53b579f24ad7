// A line of `ip -o monitor link` says at once whether an interface went up or down; the watcher
// uses it to move a link between up and down within milliseconds, before its full look at the
// machine (tens of milliseconds) confirms the state and fills in the reasons.
import { carriesFrames } from '../../../shared/plan/observed.ts'

export interface LinkLine {
  readonly ifname: string
  /** Administratively up (`UP` among the flags). */
  readonly adminUp: boolean
  /** The kernel's operstate word: UP, DOWN, LOWERLAYERDOWN, UNKNOWN, … */
  readonly operState: string
  /** Carrying frames (shared/plan/observed.ts carriesFrames). */
  readonly working: boolean
}

// "12: eth1@if13: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default …"
const LINK = /^\d+: ([^:@\s]+)(?:@[^:\s]+)?: <([^>]*)>.*? state (\S+)/

/** The interface a monitor line reports, or null for address lines, deletions and anything else. */
export function parseLinkLine(line: string): LinkLine | null {
  const match = LINK.exec(line)
  if (!match) return null
  const flags = match[2]!.split(',')
  const adminUp = flags.includes('UP')
  const operState = match[3]!
  const working = carriesFrames({ adminUp, operState, lowerUp: flags.includes('LOWER_UP') })
  return { ifname: match[1]!, adminUp, operState, working }
}
