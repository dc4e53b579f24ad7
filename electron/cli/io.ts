import { readFile, stat } from 'node:fs/promises'
import { MAX_LAB_BYTES } from '../../shared/lab/load.ts'

/** Where a command writes and reads; tests pass their own to run commands in-process. */
export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  readStdin(): Promise<string>
  /** Standard output for bytes (a pcap stream); where there is none, such a command needs a file. */
  readonly bytesOut?: NodeJS.WritableStream
}

export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  bytesOut: process.stdout,
  readStdin: async () => {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of process.stdin) {
      chunks.push(chunk as Buffer)
      size += (chunk as Buffer).length
      if (size > MAX_LAB_BYTES) break // enough to say it is too big, without reading it all
    }
    return Buffer.concat(chunks).toString('utf8')
  },
}

/** Thrown for input the user must fix; the CLI prints the message and exits 2. */
export class InputError extends Error {}

/** Reads a file argument, `-` meaning standard input. */
export async function readInput(io: CliIo, path: string): Promise<{ text: string; file: string }> {
  if (path === '-') return { text: await io.readStdin(), file: '<stdin>' }
  try {
    const info = await stat(path)
    if (!info.isFile()) throw new InputError(`${path} is not a file`)
    // Reading a huge file only to reject it is wasteful; one byte over the limit is enough for the message.
    if (info.size > MAX_LAB_BYTES) return { text: 'x'.repeat(info.size), file: path }
    return { text: await readFile(path, 'utf8'), file: path }
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new InputError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
}
