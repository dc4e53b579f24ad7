// Per-lab state under PATCHBAY_STATE_DIR: what an earlier apply made that the machine cannot mark
// by itself (a netns's name, once the lab no longer names it).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

export const defaultStateDir = (): string => process.env.PATCHBAY_STATE_DIR ?? '/var/lib/patchbay'

/** The lab `patchbay pipework` records every call in (pipework-dropin.ts); destroying it clears it. */
export const PIPEWORK_LAB = 'pipework'

export const pipeworkLabPath = (stateDir: string): string => join(stateDir, `${PIPEWORK_LAB}.yaml`)

const LabState = z.object({ lab: z.string(), netns: z.array(z.string()) })
export type LabState = z.infer<typeof LabState>

export class StateFile {
  readonly path: string

  constructor(
    readonly dir: string,
    readonly labName: string,
  ) {
    this.path = join(dir, `${labName}.json`)
  }

  read(): LabState {
    try {
      return LabState.parse(JSON.parse(readFileSync(this.path, 'utf8')))
    } catch {
      return { lab: this.labName, netns: [] }
    }
  }

  write(state: LabState): void {
    mkdirSync(this.dir, { recursive: true })
    writeFileSync(this.path, `${JSON.stringify(state, null, 2)}\n`)
  }

  remove(): void {
    rmSync(this.path, { force: true })
  }
}
