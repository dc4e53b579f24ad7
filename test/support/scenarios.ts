import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's `examples/`: the lab files and pipework script that tests and the editor use. */
export const scenariosDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples')

export const scenarioPath = (name: string): string => join(scenariosDir, name)
export const readScenario = (name: string): string => readFileSync(scenarioPath(name), 'utf8')
