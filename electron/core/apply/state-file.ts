// Per-lab state under PATCHBAY_STATE_DIR: what an earlier apply made that the machine cannot mark
// by itself (a netns's name once the lab no longer names it; a NIC moved into a guest). It is read
// back as untrusted input: names must be names, and the file must sit in a safe state dir.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { isIfname, isLinkId, isNodeName } from '../../../shared/lab/names.ts'
import { checkStateDir } from './state-dir.ts'

export const defaultStateDir = (): string => process.env.PATCHBAY_STATE_DIR ?? '/var/lib/patchbay'

/** The lab `patchbay pipework` records every call in (pipework-dropin.ts); destroying it clears it. */
export const PIPEWORK_LAB = 'pipework'

export const pipeworkLabPath = (stateDir: string): string => join(stateDir, `${PIPEWORK_LAB}.yaml`)

const NodeName = z.string().refine(isNodeName, 'not a node name')

/** A host NIC that a `directPhys` link moved into a guest: only these are ever given back. */
const MovedNic = z.object({
  host: NodeName,
  linkId: z.string().refine(isLinkId, 'not a link id'),
  nic: z.string().refine(isIfname, 'not an interface name'),
})
export type MovedNic = z.infer<typeof MovedNic>

const LabState = z.object({
  lab: z.string(),
  netns: z.array(NodeName),
  movedNics: z.array(MovedNic).default([]),
})
export type LabState = z.infer<typeof LabState>

export class StateFile {
  readonly path: string

  constructor(
    readonly dir: string,
    readonly labName: string,
  ) {
    this.path = join(dir, `${labName}.json`)
  }

  /** What the file says; nothing when there is none or it is not what patchbay writes. */
  read(): LabState {
    const nothing: LabState = { lab: this.labName, netns: [], movedNics: [] }
    if (!checkStateDir(this.dir, { create: false })) return nothing
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch {
      return nothing
    }
    try {
      const state = LabState.parse(JSON.parse(text))
      return state.lab === this.labName ? state : nothing
    } catch {
      return nothing
    }
  }

  write(state: LabState): void {
    checkStateDir(this.dir, { create: true })
    writeFileSync(this.path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
  }

  remove(): void {
    rmSync(this.path, { force: true })
  }
}
