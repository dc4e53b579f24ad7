// The editor's "Export picture" downloads the picture `patchbay export --format svg` writes for the
// same file: three-hosts.yaml opened in the page (laid out on open, as it has no positions) gives
// the very bytes the CLI's picture of the file does, host frames and all.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadLab } from '../../shared/lab/load.ts'
import { labPicture } from '../../shared/picture/picture.ts'
import { missingLabHost } from '../integration/support/lab-host.ts'
import { editorPage } from '../support/editor-page.ts'

const skipReason = await missingLabHost(['chromium'])
const example = join(import.meta.dirname, '..', '..', 'examples', 'three-hosts.yaml')

describe.skipIf(skipReason !== null)('Export picture in the editor', () => {
  const editor = editorPage({
    stateDir: `/tmp/patchbay-test-state/pbpic${process.pid}`,
    open: { file: example, node: 'gw' },
  })

  it('downloads the SVG the CLI exports for the file, with a frame per host', async () => {
    const { page } = editor
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-action="export-picture"]').click(),
    ])
    expect(download.suggestedFilename()).toBe('three-hosts.svg')
    const svg = readFileSync((await download.path())!, 'utf8')
    for (const host of ['leaf1', 'leaf2', 'core'])
      expect(svg).toContain(`<g class="host-frame" data-host="${host}"`)
    expect(svg).toBe(await labPicture(loadLab(readFileSync(example, 'utf8')).lab!))
  }, 60_000)
})
