// The documentation kept true to the code: every field of the lab schema and every command and
// option of the CLI is described, every example lab in the reference loads, and every relative link
// of the project's Markdown stays inside the repository and leads to a file that exists.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import {
  ContainerNode,
  GuestLink,
  Lab,
  LabHost,
  LinuxBridgeNode,
  NetnsNode,
  OvsBridgeNode,
  UplinkNode,
  WireLink,
} from '../../../shared/lab/schema.ts'
import { runCli } from '../../support/cli.ts'

const root = resolve(import.meta.dirname, '..', '..', '..')
const read = (path: string) => readFileSync(join(root, path), 'utf8')

describe('docs/lab-file.md', () => {
  const doc = read('docs/lab-file.md')

  it.each([
    ['the lab', Lab],
    ['a host', LabHost],
    ['an ovs-bridge', OvsBridgeNode],
    ['a linux-bridge', LinuxBridgeNode],
    ['a container', ContainerNode],
    ['a netns', NetnsNode],
    ['an uplink', UplinkNode],
    ['a guest link', GuestLink],
    ['a wire', WireLink],
  ])('names every field of %s', (_what, schema) => {
    const fields = Object.keys(schema.shape)
    expect(fields.filter((field) => !doc.includes(`\`${field}\``))).toEqual([])
  })

  it('has example labs that load without an error', () => {
    const labs = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .filter((block) => /^patchbay: 1$/m.test(block))
    expect(labs.length).toBeGreaterThan(0)
    for (const text of labs) {
      const errors = loadLab(text, 'docs/lab-file.md').problems.filter((p) => p.severity === 'error')
      expect(errors).toEqual([])
    }
  })
})

describe('docs/cli.md', () => {
  const doc = read('docs/cli.md')

  it('describes every command and every option the CLI has', async () => {
    const help = (await runCli(['--help'])).stdout
    const commands = [...help.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help')
    expect(commands).toContain('pipework')
    const missing: string[] = []
    for (const command of commands) {
      if (!new RegExp(`^## \`${command}[ \`]`, 'm').test(doc)) missing.push(`## ${command}`)
      const options = (await runCli([command, '--help'])).stdout.match(/--[a-z][a-z-]*/g) ?? []
      for (const option of new Set(options))
        if (option !== '--help' && !doc.includes(option)) missing.push(`${command} ${option}`)
    }
    expect(missing).toEqual([])
  })

  it('gives every exit code its meaning', () => {
    for (const code of [0, 1, 2, 3]) expect(doc).toMatch(new RegExp(`^\\| ${code} \\| \\S`, 'm'))
  })
})

describe('the repository stands alone', () => {
  const markdown = execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)

  it('links only to files inside it, from every Markdown file', () => {
    expect(markdown).toContain('README.md')
    const broken: string[] = []
    for (const file of markdown) {
      for (const [, target] of read(file).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue // https:, mailto:
        const path = resolve(root, dirname(file), target!)
        if (relative(root, path).startsWith('..') || !existsSync(path)) broken.push(`${file}: ${target}`)
      }
    }
    expect(broken).toEqual([])
  })

  it('has a README that links the two references', () => {
    const readme = read('README.md')
    expect(readme).toContain('(docs/lab-file.md)')
    expect(readme).toContain('(docs/cli.md)')
  })
})
