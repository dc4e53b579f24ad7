// `patchbay export LAB --format png`: the SVG picture rendered by resvg, through the real CLI. The PNG
// has the SVG's size, and its text was drawn (the machine's fonts were found): without the <text>
// elements the pixels differ.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Resvg } from '@resvg/resvg-js'
import { afterAll, describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import { labPicture } from '../../../shared/picture/picture.ts'
import { runCli } from '../../support/cli.ts'

const example = resolve(import.meta.dirname, '..', '..', '..', 'examples', 'three-hosts.yaml')
const dir = mkdtempSync(join(tmpdir(), 'patchbay-png-'))
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** Width and height from the PNG's IHDR chunk (right after the 8-byte signature and chunk header). */
const size = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)]
const pixels = (svg: string) =>
  new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().pixels

describe('export --format png', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("writes the lab's picture as a PNG of the SVG's size, with its text drawn", async () => {
    const file = join(dir, 'three-hosts.png')
    const out = await runCli(['export', example, '--format', 'png', '-o', file])
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    expect(out.stdout).toBe(`${file}\n`)
    const png = readFileSync(file)
    expect(png.subarray(0, 8)).toEqual(PNG_MAGIC)
    const svg = await labPicture(loadLab(readFileSync(example, 'utf8')).lab!)
    const [w, h] = [/ width="(\d+(?:\.\d+)?)"/, / height="(\d+(?:\.\d+)?)"/].map((re) =>
      Math.ceil(Number(re.exec(svg)![1])),
    )
    expect(size(png)).toEqual([w, h])
    expect(pixels(svg).equals(pixels(svg.replace(/<text[^>]*>[^<]*<\/text>/g, '')))).toBe(false)
  })

  it('refuses to write bytes where there is no byte output, and says to give a file', async () => {
    const out = await runCli(['export', example, '--format', 'png'])
    expect(out.code).toBe(2)
    expect(out.stderr).toContain('-o FILE')
  })
})
