import type { CliIo } from '../../electron/cli/io.ts'
import { main } from '../../electron/cli/main.ts'

/** Runs a `patchbay` command in-process, as the bin would, capturing its output and exit code. */
export async function runCli(
  argv: string[],
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: (t) => {
      stdout += t
    },
    stderr: (t) => {
      stderr += t
    },
    readStdin: async () => stdin,
  }
  const code = await main(argv, io)
  return { code, stdout, stderr }
}
