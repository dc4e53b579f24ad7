// The files an editor may touch: what it was started with and what is under its --dir, nothing a
// page names beside them. Real files in a temporary folder; the page's names are hostile.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LabFileChange, LabFileError, LabFiles } from '../../../electron/core/lab-files.ts'
import { loadLab } from '../../../shared/lab/load.ts'

const LAB = `# two guests on one switch
patchbay: 1
name: files-test
nodes:
  s1: { kind: ovs-bridge } # the switch
  a: { kind: netns }
  b: { kind: netns }
links:
  - { guest: a, to: s1, ip: 10.0.0.1/24 }
  - { guest: b, to: s1, ip: 10.0.0.2/24 }
`

describe('lab files an editor may open and save', () => {
  let root: string
  let outside: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'patchbay-files-'))
    mkdirSync(join(root, 'labs', 'more'), { recursive: true })
    mkdirSync(join(root, 'elsewhere'))
    writeFileSync(join(root, 'labs', 'one.yaml'), LAB)
    writeFileSync(join(root, 'labs', 'more', 'two.yml'), LAB)
    outside = join(root, 'elsewhere', 'secret.yaml')
    writeFileSync(outside, LAB)
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('opens the file it was started with, and saves an edit into it keeping its comments', async () => {
    const files = new LabFiles({ file: join(root, 'labs', 'one.yaml') })
    const opened = await files.open(undefined)
    expect(opened.problems).toEqual([])
    const lab = structuredClone(opened.lab) as { links: Record<string, unknown>[] }
    lab.links[1]!.vlan = 20
    const saved = await files.save(opened.path, lab, opened.version)
    expect(saved).toMatchObject({ saved: true, path: opened.path })
    const text = readFileSync(join(root, 'labs', 'one.yaml'), 'utf8')
    expect(text).toContain('# two guests on one switch')
    expect(text).toContain('  s1: { kind: ovs-bridge } # the switch')
    expect(text).toContain('  - { guest: b, to: s1, ip: 10.0.0.2/24, vlan: 20 }')
  })

  it('refuses any other path when it was given one file', async () => {
    const files = new LabFiles({ file: join(root, 'labs', 'one.yaml') })
    for (const name of [outside, '../elsewhere/secret.yaml', 'more/two.yml', '/etc/passwd'])
      await expect(files.open(name)).rejects.toThrow(/may not be opened or written/)
    await expect(files.save(outside, loadLab(LAB).lab, null)).rejects.toThrow(LabFileError)
    expect(readFileSync(outside, 'utf8')).toBe(LAB)
  })

  it('under --dir: relative .yaml names only, never out of the folder by .., absolute paths or symlinks', async () => {
    const files = new LabFiles({ dir: join(root, 'labs') })
    expect(await files.list()).toEqual(['more/two.yml', 'one.yaml'])
    expect((await files.open('more/two.yml')).path).toBe('more/two.yml')
    await expect(files.open('../../etc/passwd')).rejects.toThrow('"../../etc/passwd" is outside')
    await expect(files.open('../elsewhere/secret.yaml')).rejects.toThrow('is outside')
    await expect(files.open('/etc/passwd')).rejects.toThrow('is an absolute path')
    await expect(files.open(join(root, 'labs', 'one.yaml'))).rejects.toThrow('is an absolute path')
    await expect(files.open('notes.txt')).rejects.toThrow('must end in .yaml or .yml')
    await expect(files.open('one.yaml\0')).rejects.toThrow('is not a file name')
    symlinkSync(outside, join(root, 'labs', 'link.yaml'))
    symlinkSync(join(root, 'elsewhere'), join(root, 'labs', 'away'))
    await expect(files.open('link.yaml')).rejects.toThrow('leads outside')
    await expect(files.open('away/secret.yaml')).rejects.toThrow('leads outside')
    await expect(files.save('link.yaml', loadLab(LAB).lab, null, true)).rejects.toThrow('leads outside')
    await expect(files.save('away/new.yaml', loadLab(LAB).lab, null)).rejects.toThrow('leads outside')
    expect(readFileSync(outside, 'utf8')).toBe(LAB)
    // A dangling link planted in the folder is not written through either.
    symlinkSync(join(root, 'elsewhere', 'planted.yaml'), join(root, 'labs', 'planted.yaml'))
    await expect(files.save('planted.yaml', loadLab(LAB).lab, null)).rejects.toThrow('not a regular file')
    // A new file in the folder is fine.
    expect(await files.save('more/three.yaml', loadLab(LAB).lab, null)).toMatchObject({ saved: true })
  })

  it('writes nothing when the file changed on disk since it was opened, unless told to', async () => {
    const file = join(root, 'labs', 'one.yaml')
    const files = new LabFiles({ file })
    const opened = await files.open(undefined)
    writeFileSync(file, `${LAB}# edited elsewhere\n`)
    const refused = await files.save(undefined, opened.lab, opened.version)
    expect(refused).toMatchObject({ saved: false, changedOnDisk: true })
    expect(readFileSync(file, 'utf8')).toContain('# edited elsewhere')
    expect(await files.save(undefined, opened.lab, opened.version, true)).toMatchObject({ saved: true })
  })

  it('refuses to save a lab with errors, naming them', async () => {
    const files = new LabFiles({ file: join(root, 'labs', 'one.yaml') })
    const bad = { ...(loadLab(LAB).lab as object), links: [{ guest: 'a', to: 's1', vlan: 5000 }] }
    const error = await files.save(undefined, bad, null, true).catch((e: LabFileError) => e)
    expect(error).toBeInstanceOf(LabFileError)
    expect((error as LabFileError).problems[0]).toMatchObject({ field: 'links[0].vlan' })
  })

  it('opens an invalid file with its problems and their lines', async () => {
    writeFileSync(join(root, 'labs', 'bad.yaml'), LAB.replace('ip: 10.0.0.2/24', 'ip: 10.0.0.2/99'))
    const opened = await new LabFiles({ dir: join(root, 'labs') }).open('bad.yaml')
    expect(opened.lab).toBeNull()
    expect(opened.problems).toContainEqual(expect.objectContaining({ line: 10, file: 'bad.yaml' }))
  })

  it('tells when an open file is changed by another hand, not when it saves it itself', async () => {
    const file = join(root, 'labs', 'one.yaml')
    const files = new LabFiles({ file })
    const changes: LabFileChange[] = []
    try {
      const opened = await files.open(undefined)
      files.watchOpened(opened.path, (c) => changes.push(c))
      await files.save(undefined, opened.lab, opened.version)
      await new Promise((r) => setTimeout(r, 300))
      expect(changes).toEqual([])
      writeFileSync(file, `${LAB}# pulled\n`)
      await expect.poll(() => changes.length, { timeout: 3000 }).toBe(1)
      expect(changes[0]).toMatchObject({ type: 'lab-file-changed', path: opened.path })
    } finally {
      files.close()
    }
  })
})
