// Opening a lab, rehearsed once on a small one while the editor idles after it starts. A fresh page
// compiles the YAML parser, the lab check and ELK (in its worker) the first time they run: that made
// the first open of a 200-node lab wait ~0.3 s for ELK alone, and parsing its file took several
// times as long as parsing it again.
import { loadLab } from '../../shared/lab/load.ts'
import { saveLab } from '../../shared/lab/save.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { layOut } from './layout-thread.ts'

/** Two hosts, bridges in a chain of trunks across them, guests on VLANs under them, an uplink. */
function rehearsalLab(): Lab {
  const lab: Lab = { patchbay: 1, name: 'warm-up', nodes: {}, links: [] }
  for (let b = 0; b < 6; b++) {
    const host = b < 3 ? 'a' : 'b'
    lab.nodes[`s${b}`] = { kind: 'ovs-bridge', host }
    if (b > 0) lab.links!.push({ between: [`s${b - 1}`, `s${b}`], trunk: [10, 20] })
    for (let g = 0; g < 4; g++) {
      lab.nodes[`g${b}-${g}`] = { kind: 'netns', host }
      lab.links!.push({
        guest: `g${b}-${g}`,
        to: `s${b}`,
        ip: `10.0.${b}.${g + 1}/24`,
        vlan: 10 * (1 + (g % 2)),
      })
    }
  }
  lab.nodes.up = { kind: 'uplink', host: 'a', interface: 'eth0' }
  lab.links!.push({ between: ['s0', 'up'] })
  return lab
}

let rehearsed = false

/** Read this many times, one idle moment each: the parser's loops are compiled further each time. */
const READS = 3

/** Once per page: ELK lays out a small lab in its worker, and its file is read here, when idle. */
export function warmUpOpening(): void {
  if (rehearsed) return
  rehearsed = true
  const lab = rehearsalLab()
  layOut(lab).catch(() => undefined)
  const text = saveLab(lab)
  const idle = window.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 200))
  const read = (left: number) => {
    loadLab(text, 'warm-up.yaml')
    if (left > 1) idle(() => read(left - 1))
  }
  idle(() => read(READS))
}
