import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { exportContainerlab } from '../../../shared/containerlab/export.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { labDot, labMermaid, labPicture } from '../../../shared/picture/picture.ts'
import { exportPipework } from '../../../shared/pipework/export.ts'
import { type CliIo, InputError } from '../io.ts'
import { loadLabArg, printProblems } from '../lab-input.ts'

export async function exportCommand(
  io: CliIo,
  path: string,
  options: { format: string; output?: string },
): Promise<ExitCode> {
  const loaded = await loadLabArg(io, path)
  printProblems(io, loaded.problems)
  if (!loaded.lab) return ExitCode.invalid
  // The SVG and PNG lay out the nodes the lab gives no position as the editor does on open.
  if (options.format === 'png') return exportPng(io, await labPicture(loaded.lab), options.output)
  const pictures: Record<string, (lab: Lab) => string | Promise<string>> = {
    svg: labPicture,
    mermaid: labMermaid,
    dot: labDot,
  }
  const picture = pictures[options.format]
  if (picture) {
    io.stdout(await picture(loaded.lab))
    return ExitCode.ok
  }
  if (options.format === 'containerlab') {
    const out = exportContainerlab(loaded.lab)
    for (const note of out.notes) io.stderr(`not expressible in containerlab: ${note}\n`)
    if (!options.output) {
      io.stdout(out.yaml)
      if (out.annotations) io.stderr('positions not written: give -o DIR for the annotations file\n')
      return ExitCode.ok
    }
    await mkdir(options.output, { recursive: true })
    const topology = join(options.output, `${loaded.lab.name}.clab.yml`)
    await writeFile(topology, out.yaml)
    io.stdout(`${topology}\n`)
    if (out.annotations) {
      await writeFile(`${topology}.annotations.json`, `${JSON.stringify(out.annotations, null, 2)}\n`)
      io.stdout(`${topology}.annotations.json\n`)
    }
    return ExitCode.ok
  }
  io.stdout(
    `#!/bin/sh\n# lab ${loaded.lab.name}, as pipework lines\n${exportPipework(loaded.lab).join('\n')}\n`,
  )
  return ExitCode.ok
}

/**
 * The SVG picture rendered to PNG by resvg (a Rust renderer shipped prebuilt per platform, loaded
 * only here so every other command starts without it), with the machine's own fonts. To `-o FILE`,
 * or to standard output when it takes bytes.
 */
async function exportPng(io: CliIo, svg: string, output: string | undefined): Promise<ExitCode> {
  if (!output && !io.bytesOut) throw new InputError('--format png writes bytes: give -o FILE')
  const { Resvg } = await import('@resvg/resvg-js')
  const png = new Resvg(svg, {
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng()
  if (output) {
    await writeFile(output, png)
    io.stdout(`${output}\n`)
  } else io.bytesOut!.write(png)
  return ExitCode.ok
}
