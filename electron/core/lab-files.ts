// The lab files an editor may read and write: the one it was started with, files granted by a
// native dialog, and YAML files under a folder it was given. A page names a file by a string; that
// string is hostile, so every path is resolved here and refused when it leaves what was given —
// `..`, absolute paths, symlinks pointing out. Saving merges the edit into the YAML on disk, so
// comments, key order and one-line links stay as the person wrote them.
import { createHash, randomBytes } from 'node:crypto'
import { type FSWatcher, realpathSync, watch } from 'node:fs'
import { lstat, readdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { parseDocument } from 'yaml'
import { problemReply } from '../../shared/api/replies.ts'
import { checkLab } from '../../shared/lab/check.ts'
import { loadLab, MAX_LAB_BYTES } from '../../shared/lab/load.ts'
import { saveLab } from '../../shared/lab/save.ts'

/** A file request that cannot be carried out as asked; the message says why, naming the path. */
export class LabFileError extends Error {
  constructor(
    message: string,
    readonly problems: ReturnType<typeof problemReply>[] = [],
  ) {
    super(message)
  }
}

export interface OpenedLab {
  /** The name the page uses for this file from now on. */
  readonly path: string
  /** sha256 of the text on disk: a save says which version it edits. */
  readonly version: string
  readonly text: string
  /** The lab, when the file is valid; else null and the problems say where (line and column). */
  readonly lab: unknown
  readonly problems: ReturnType<typeof problemReply>[]
}

export type SavedLab =
  | { readonly saved: true; readonly path: string; readonly version: string }
  /** The file changed on disk since the page read it: nothing was written. */
  | { readonly saved: false; readonly path: string; readonly version: string; readonly changedOnDisk: true }

export interface LabFileChange {
  readonly type: 'lab-file-changed'
  readonly path: string
  readonly version: string | null
}

const LAB_EXTENSION = /\.ya?ml$/
const versionOf = (text: string) => createHash('sha256').update(text).digest('hex')

const inside = (root: string, path: string) => path === root || path.startsWith(root + sep)

export class LabFiles {
  /** Page name → the real file it stands for. */
  private readonly granted = new Map<string, string>()
  private readonly dir: string | null
  private current: string | null = null
  private readonly watchers = new Map<string, FSWatcher>()
  /** What this process last wrote or read per real file, so its own writes are not news. */
  private readonly known = new Map<string, string>()

  /**
   * `file`: the lab file the editor was started with (need not exist yet: Save creates it).
   * `dir`: a folder under which the page may open and save `.yaml` files by relative path.
   */
  constructor(options: { file?: string; dir?: string } = {}) {
    this.dir = options.dir !== undefined ? realpathSync(resolve(options.dir)) : null
    if (options.file !== undefined) this.current = this.grant(options.file)
  }

  /** The file to open first (the one on the command line), as the page names it. */
  get opened(): string | null {
    return this.current
  }

  get folder(): string | null {
    return this.dir
  }

  /** Allows the page to use this file (chosen in a native dialog, or given on the command line). */
  grant(path: string): string {
    const absolute = resolve(path)
    let real = absolute
    try {
      real = realpathSync(absolute)
    } catch {
      // A file to be created: its folder must exist, the name is kept.
      real = join(realpathSync(dirname(absolute)), basename(absolute))
    }
    const name = this.dir && inside(this.dir, real) ? relative(this.dir, real) : absolute
    this.granted.set(name, real)
    return name
  }

  /** The real file a page's name stands for, or a LabFileError saying why it may not be used. */
  async resolve(name: string | undefined): Promise<{ name: string; real: string }> {
    if (name === undefined) {
      if (!this.current) throw new LabFileError('no lab file is open: name one, or start with a lab file')
      name = this.current
    }
    if (name.length === 0 || name.length > 4096 || name.includes('\0'))
      throw new LabFileError(`${JSON.stringify(name.slice(0, 80))} is not a file name`)
    const granted = this.granted.get(name)
    if (granted) return { name, real: granted }
    if (!this.dir)
      throw new LabFileError(
        `${JSON.stringify(name)} may not be opened or written: this editor was given only ${JSON.stringify(this.current)}`,
      )
    if (isAbsolute(name))
      throw new LabFileError(
        `${JSON.stringify(name)} is an absolute path: name a file relative to ${this.dir}`,
      )
    const absolute = resolve(this.dir, name)
    if (!inside(this.dir, absolute)) throw new LabFileError(`${JSON.stringify(name)} is outside ${this.dir}`)
    if (!LAB_EXTENSION.test(absolute))
      throw new LabFileError(`${JSON.stringify(name)} is not a lab file: it must end in .yaml or .yml`)
    // Symlinks are followed to where they lead, and that must be inside the folder too.
    let real: string
    try {
      real = await realpath(absolute)
    } catch {
      real = join(await realpath(dirname(absolute)).catch(() => dirname(absolute)), basename(absolute))
    }
    if (!inside(this.dir, real))
      throw new LabFileError(`${JSON.stringify(name)} leads outside ${this.dir} (through a symlink)`)
    return { name: relative(this.dir, absolute), real }
  }

  /** The lab files under the folder (two levels deep), for a page that has no file dialog. */
  async list(): Promise<string[]> {
    if (!this.dir) return this.current ? [this.current] : []
    const found: string[] = []
    const walk = async (at: string, depth: number) => {
      for (const entry of await readdir(at, { withFileTypes: true }).catch(() => [])) {
        const path = join(at, entry.name)
        if (entry.name.startsWith('.')) continue
        if (entry.isDirectory() && depth < 2) await walk(path, depth + 1)
        else if (entry.isFile() && LAB_EXTENSION.test(entry.name)) found.push(relative(this.dir!, path))
      }
    }
    await walk(this.dir, 0)
    return found.sort()
  }

  async open(name: string | undefined): Promise<OpenedLab> {
    const file = await this.resolve(name)
    const info = await stat(file.real).catch(() => null)
    if (!info) throw new LabFileError(`${file.name} does not exist`)
    if (!info.isFile()) throw new LabFileError(`${file.name} is not a regular file`)
    if (info.size > MAX_LAB_BYTES)
      throw new LabFileError(`${file.name} is ${info.size} bytes; a lab file is at most ${MAX_LAB_BYTES}`)
    const text = await readFile(file.real, 'utf8')
    const loaded = loadLab(text, file.name)
    const version = versionOf(text)
    this.current = file.name
    this.granted.set(file.name, file.real)
    this.known.set(file.real, version)
    return { path: file.name, version, text, lab: loaded.lab, problems: loaded.problems.map(problemReply) }
  }

  /**
   * Writes `lab` into the file: merged into the YAML on disk when there is one. `version` is what
   * the page last read (null: it expects no file); when the disk holds something else, nothing is
   * written unless `overwrite`.
   */
  async save(
    name: string | undefined,
    input: unknown,
    version: string | null,
    overwrite = false,
  ): Promise<SavedLab> {
    const checked = checkLab(input)
    if (!checked.lab)
      throw new LabFileError('the lab has errors; it was not saved', checked.problems.map(problemReply))
    const file = await this.resolve(name)
    const existing = await lstat(file.real).catch(() => null)
    if (existing && !existing.isFile()) throw new LabFileError(`${file.name} is not a regular file`)
    const onDisk = existing ? await readFile(file.real, 'utf8') : null
    const diskVersion = onDisk === null ? null : versionOf(onDisk)
    if (!overwrite && diskVersion !== version)
      return { saved: false, path: file.name, version: diskVersion ?? '', changedOnDisk: true }
    const original = onDisk === null ? null : parseDocument(onDisk)
    const text = saveLab(checked.lab, original && original.errors.length === 0 ? original : null)
    // A new file beside it, then rename: a reader never sees half a file, and a symlink planted at
    // the temporary name cannot redirect the write (the name is random and created exclusively).
    const temporary = join(dirname(file.real), `.${basename(file.real)}.${randomBytes(6).toString('hex')}`)
    await writeFile(temporary, text, { flag: 'wx', mode: existing ? existing.mode & 0o777 : 0o644 })
    try {
      await rename(temporary, file.real)
    } catch (e) {
      await unlink(temporary).catch(() => {})
      throw e
    }
    const saved = versionOf(text)
    this.known.set(file.real, saved)
    this.current = file.name
    this.granted.set(file.name, file.real)
    return { saved: true, path: file.name, version: saved }
  }

  /**
   * Calls `onChange` when an open file changes on disk by another hand (git pull, another editor).
   * The folder is watched, not the file: editors replace files by renaming, which ends a file watch.
   */
  watchOpened(name: string, onChange: (change: LabFileChange) => void): void {
    const real = this.granted.get(name)
    if (!real || this.watchers.has(real)) return
    let timer: NodeJS.Timeout | null = null
    const check = async () => {
      timer = null
      const text = await readFile(real, 'utf8').catch(() => null)
      const version = text === null ? null : versionOf(text)
      if (version === (this.known.get(real) ?? null)) return
      if (version !== null) this.known.set(real, version)
      else this.known.delete(real)
      onChange({ type: 'lab-file-changed', path: name, version })
    }
    const watcher = watch(dirname(real), (_event, changed) => {
      if (changed !== null && changed.toString() !== basename(real)) return
      // Several events arrive for one save; the file is read once they settle.
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => void check(), 80)
    })
    watcher.on('error', () => watcher.close())
    this.watchers.set(real, watcher)
  }

  close(): void {
    for (const watcher of this.watchers.values()) watcher.close()
    this.watchers.clear()
  }
}
