// What `ip -batch` (and `bridge -batch`) says when a line fails: "Command failed <file>:<line>"
// after the tool's own words, <file> being "-" for standard input. Without -force it stops there,
// so the lines before it ran.

/** The 1-based line of `file` that failed (1 when the tool did not say). */
export function failedBatchLine(stderr: string, file = '-'): number {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return Number(new RegExp(`Command failed ${escaped}:(\\d+)`).exec(stderr)?.[1] ?? 1)
}

/** Every failed line of standard input (with -force the tool goes on after each). */
export const failedBatchLines = (stderr: string): Set<number> =>
  new Set([...stderr.matchAll(/Command failed -:(\d+)/g)].map((m) => Number(m[1])))

/** The tool's own words, without its "Command failed" bookkeeping. */
export const batchMessage = (stderr: string): string =>
  stderr.replace(/Command failed \S+:\d+\s*/g, '').trim()
