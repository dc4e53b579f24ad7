/** Where in the lab a problem is: the path of keys and indices from the top of the file. */
export type LabPath = readonly (string | number)[]

export type Severity = 'error' | 'warning'

/** One thing wrong with (or worth knowing about) a lab, with the field it concerns. */
export interface Problem {
  readonly severity: Severity
  readonly path: LabPath
  /** The message names the value, e.g. `VLAN 4095 is outside 1-4094`. */
  readonly message: string
  /** The problem is about a map key itself (a node's name), not the value under it. */
  readonly atKey?: boolean
  /** Filled in by loadLab from the YAML source. */
  readonly file?: string
  readonly line?: number
  readonly column?: number
}

export const error = (path: LabPath, message: string, atKey = false): Problem => ({
  severity: 'error',
  path,
  message,
  ...(atKey ? { atKey } : {}),
})

export const warning = (path: LabPath, message: string): Problem => ({ severity: 'warning', path, message })

/** `links[2].vlan`, `nodes.test1.kind`: the field as a reader would write it. */
export function fieldName(path: LabPath): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out === '' ? part : `.${part}`
  }
  return out || '(top level)'
}

/** `lab.yaml:12:5: error: links[2].vlan: VLAN 4095 is outside 1-4094` */
export function formatProblem(problem: Problem): string {
  const place = [problem.file, problem.line, problem.column].filter((p) => p !== undefined).join(':')
  const where = place ? `${place}: ` : ''
  return `${where}${problem.severity}: ${fieldName(problem.path)}: ${problem.message}`
}
