// The editor in Debian's Chromium at 1600×1000 against a real `serve` in this process (the engine
// as root, the built renderer), with a lab file opened through the page's own Open. Registers its
// own hooks: call it in a describe block; the page and server are there from the first case on.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { engineService } from '../../electron/core/service.ts'
import { type RunningServer, serve } from '../../electron/serve/server.ts'
import { launchChromium } from './chromium.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const RENDERER = join(ROOT, 'dist', 'renderer')

export interface EditorPageOptions {
  /** The engine's state directory (the test's own). */
  readonly stateDir: string
  /** The lab file opened once the editor is up, and a node of it whose box means it is drawn. */
  readonly open?: { readonly file: string; readonly node: string }
  /** Where the test writes its screenshots (test-results/<shots>), made before the cases. */
  readonly shots?: string
}

export interface EditorPage {
  readonly page: Page
  readonly server: RunningServer
  /** test-results/<shots>. */
  readonly shots: string
}

export function editorPage(options: EditorPageOptions): EditorPage {
  let server: RunningServer | undefined
  let browser: Browser | undefined
  let page: Page | undefined
  const shots = join(ROOT, 'test-results', options.shots ?? 'e2e')

  beforeAll(async () => {
    if (!existsSync(join(RENDERER, 'index.html')))
      throw new Error('the renderer is not built: run `npm run build:renderer`')
    mkdirSync(shots, { recursive: true })
    server = await serve({
      service: engineService(createEngine({ stateDir: options.stateDir })),
      staticDir: RENDERER,
    })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    page.on('dialog', (dialog) => void dialog.accept())
    await page.goto(server.url)
    await page.waitForSelector('[data-node-id]')
    if (options.open) {
      await page.locator('input[type=file]').setInputFiles(options.open.file)
      await page.waitForSelector(`[data-node-id="${options.open.node}"]`)
      await page.waitForSelector('.canvas[data-settled="true"]')
    }
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  }, 60_000)

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`editorPage: no ${what} yet (it is made in beforeAll)`)
    return value
  }
  return {
    get page() {
      return need(page, 'page')
    },
    get server() {
      return need(server, 'server')
    },
    shots,
  }
}
