import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** `../shared/scenarios` beside the repository: the labs this product grew from. */
export const scenariosDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'shared',
  'scenarios',
)

export const scenarioPath = (name: string): string => join(scenariosDir, name)
export const readScenario = (name: string): string => readFileSync(scenarioPath(name), 'utf8')
