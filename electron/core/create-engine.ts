import { DockerApi } from './drivers/docker-api.ts'
import { Engine, type EngineOptions } from './engine.ts'

/** The engine with the real Docker engine behind it. */
export const createEngine = (options: Partial<EngineOptions> = {}): Engine =>
  new Engine({ containers: new DockerApi(), ...options })
