// Dependencies point one way (design.md, "Layout"): renderer → shared ← electron/core ← adapters.
// This reads the imports of every source file and fails on one that reaches up or sideways.
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, posix } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const SOURCE_DIRS = ['shared', 'electron', 'renderer', 'bin']
const SOURCE = /\.(ts|tsx|js|mjs|cjs)$/
const ADAPTERS = ['cli', 'serve', 'main', 'preload', 'helper'] as const
/** Build configuration: it runs in Node at build time, not in the layer whose folder holds it. */
const BUILD_CONFIG = new Set(['renderer/vite.config.ts'])
/**
 * The one place an adapter starts another: `patchbay serve` is a CLI command that starts the serve
 * adapter, handing it the service; it uses nothing else of it.
 */
const LAUNCHES: Readonly<Record<string, string>> = {
  'electron/cli/commands/serve.ts': 'electron/serve/server.ts',
}

/** One import: the file (repository-relative, with /) and the specifier as written. */
interface Import {
  readonly from: string
  readonly spec: string
}

type Layer = 'shared' | 'core' | `adapter:${(typeof ADAPTERS)[number]}` | 'renderer' | 'bin' | 'other'

function layerOf(path: string): Layer {
  const [top, second] = path.split('/')
  if (top === 'shared' || top === 'renderer' || top === 'bin') return top
  if (top === 'electron' && second === 'core') return 'core'
  if (top === 'electron' && (ADAPTERS as readonly string[]).includes(second ?? ''))
    return `adapter:${second}` as Layer
  return 'other'
}

const BUILTINS = new Set(builtinModules)
const isBuiltin = (spec: string) => spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0]!)

/** Why this import breaks the layering, or null when it is allowed. */
function verdict({ from, spec }: Import): string | null {
  const layer = layerOf(from)
  if (spec.startsWith('.')) {
    const target = posix.normalize(posix.join(posix.dirname(from), spec))
    if (target.startsWith('../')) return 'reaches outside the repository'
    const to = layerOf(target)
    switch (layer) {
      case 'shared':
        return to === 'shared' ? null : 'shared imports nothing outside shared/'
      case 'core':
        return to === 'shared' || to === 'core' ? null : 'electron/core imports only shared/ and itself'
      case 'renderer':
        return to === 'shared' || to === 'renderer' ? null : 'the renderer imports only shared/ and itself'
      case 'bin':
        return to.startsWith('adapter:') ? null : 'bin/ starts an adapter; it imports nothing else'
      case 'other':
        return null
      default:
        // An adapter.
        if (to === 'shared' || to === 'core' || to === layer || LAUNCHES[from] === target) return null
        return to.startsWith('adapter:')
          ? 'an adapter never imports another adapter (both call electron/core/service.ts)'
          : 'an adapter imports only electron/core, shared/ and itself'
    }
  }
  if (isBuiltin(spec) && (layer === 'shared' || layer === 'renderer'))
    return `${layer} uses no Node module: it runs in the page and everywhere`
  if (spec === 'electron' && layer !== 'adapter:main' && layer !== 'adapter:preload')
    return 'only the desktop main process and preload import electron'
  return null
}

/** Every import that breaks the layering, as `file: spec (why)`. */
const violations = (imports: readonly Import[]): string[] =>
  imports.flatMap((i) => {
    const why = verdict(i)
    return why ? [`${i.from}: ${i.spec} (${why})`] : []
  })

const STATIC = /(?:^|[^\w$.])(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?['"]([^'"\n]+)['"]/g
const DYNAMIC = /(?:^|[^\w$.])(?:import|require)\(\s*['"]([^'"\n]+)['"]\s*\)/g

/** The specifiers a source text imports: static and type imports, re-exports, import() and require(). */
function importsOf(text: string): string[] {
  return [...text.matchAll(STATIC), ...text.matchAll(DYNAMIC)].map((m) => m[1]!)
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path)
    return SOURCE.test(entry.name) && !BUILD_CONFIG.has(path) ? [path] : []
  })
}

const repositoryImports = (): Import[] =>
  SOURCE_DIRS.flatMap(sourceFiles).flatMap((from) =>
    importsOf(readFileSync(join(root, from), 'utf8')).map((spec) => ({ from, spec })),
  )

describe('layering', () => {
  it('no source file imports a layer it must not', () => {
    const imports = repositoryImports()
    // The walk found the layers and their imports (an empty walk would pass anything).
    const layers = new Set(imports.map((i) => layerOf(i.from)))
    for (const layer of ['shared', 'core', 'renderer', 'bin', ...ADAPTERS.map((a) => `adapter:${a}`)])
      expect(layers, `no imports read in ${layer}`).toContain(layer)
    expect(imports.length).toBeGreaterThan(300)
    expect(violations(imports)).toEqual([])
  })

  it('every adapter that answers calls does it through the one service', () => {
    const imports = repositoryImports()
    for (const adapter of ['cli', 'serve', 'main', 'helper']) {
      const toService = imports.filter(
        (i) =>
          layerOf(i.from) === `adapter:${adapter}` &&
          posix.normalize(posix.join(posix.dirname(i.from), i.spec)) === 'electron/core/service.ts',
      )
      expect(toService.length, `electron/${adapter} does not import core/service.ts`).toBeGreaterThan(0)
    }
  })

  it('reads every form of import, and nothing else', () => {
    const text = [
      "import { a } from './a.ts'",
      "import type { B } from '../b.ts'",
      'import {\n  c,\n  type D,\n} from "./c.ts"',
      "import * as e from 'node:fs'",
      "import './side-effect.css'",
      "export { f } from './f.ts'",
      "export * from './g.ts'",
      "const h = await import('./h.ts')",
      "const i = require('electron')",
      "const notAnImport = 'from ./nowhere'",
      'thing.import("./not-this")',
    ].join('\n')
    expect(importsOf(text).sort()).toEqual(
      [
        './a.ts',
        '../b.ts',
        './c.ts',
        'node:fs',
        './side-effect.css',
        './f.ts',
        './g.ts',
        './h.ts',
        'electron',
      ].sort(),
    )
  })

  it('fails on each kind of wrong import (a made-up import graph)', () => {
    const graph: Import[] = [
      // allowed
      { from: 'shared/lab/load.ts', spec: '../plan/op.ts' },
      { from: 'shared/lab/load.ts', spec: 'yaml' },
      { from: 'electron/core/engine.ts', spec: '../../shared/lab/schema.ts' },
      { from: 'electron/core/engine.ts', spec: 'node:fs' },
      { from: 'electron/serve/server.ts', spec: '../core/service.ts' },
      { from: 'electron/main/main.ts', spec: 'electron' },
      { from: 'renderer/App.tsx', spec: '../shared/api/contract.ts' },
      { from: 'bin/patchbay.js', spec: '../electron/cli/main.ts' },
      { from: 'electron/cli/commands/serve.ts', spec: '../../serve/server.ts' },
      // not allowed
      { from: 'shared/api/replies.ts', spec: '../../electron/core/engine.ts' },
      { from: 'shared/lab/load.ts', spec: 'node:fs' },
      { from: 'shared/lab/load.ts', spec: 'path' },
      { from: 'electron/core/engine.ts', spec: '../serve/server.ts' },
      { from: 'electron/core/engine.ts', spec: 'electron' },
      { from: 'electron/main/main.ts', spec: '../serve/api-handlers.ts' },
      { from: 'electron/cli/commands/watch.ts', spec: '../../serve/server.ts' },
      { from: 'electron/helper/helper.ts', spec: '../../renderer/api/client.ts' },
      { from: 'electron/cli/main.ts', spec: 'electron' },
      { from: 'renderer/App.tsx', spec: '../electron/core/service.ts' },
      { from: 'renderer/App.tsx', spec: 'node:path' },
      { from: 'bin/patchbay.js', spec: '../electron/core/engine.ts' },
      { from: 'shared/lab/load.ts', spec: '../../../elsewhere/x.yaml' },
    ]
    expect(violations(graph)).toEqual([
      'shared/api/replies.ts: ../../electron/core/engine.ts (shared imports nothing outside shared/)',
      'shared/lab/load.ts: node:fs (shared uses no Node module: it runs in the page and everywhere)',
      'shared/lab/load.ts: path (shared uses no Node module: it runs in the page and everywhere)',
      'electron/core/engine.ts: ../serve/server.ts (electron/core imports only shared/ and itself)',
      'electron/core/engine.ts: electron (only the desktop main process and preload import electron)',
      'electron/main/main.ts: ../serve/api-handlers.ts (an adapter never imports another adapter (both call electron/core/service.ts))',
      'electron/cli/commands/watch.ts: ../../serve/server.ts (an adapter never imports another adapter (both call electron/core/service.ts))',
      'electron/helper/helper.ts: ../../renderer/api/client.ts (an adapter imports only electron/core, shared/ and itself)',
      'electron/cli/main.ts: electron (only the desktop main process and preload import electron)',
      'renderer/App.tsx: ../electron/core/service.ts (the renderer imports only shared/ and itself)',
      'renderer/App.tsx: node:path (renderer uses no Node module: it runs in the page and everywhere)',
      'bin/patchbay.js: ../electron/core/engine.ts (bin/ starts an adapter; it imports nothing else)',
      'shared/lab/load.ts: ../../../elsewhere/x.yaml (reaches outside the repository)',
    ])
  })
})
