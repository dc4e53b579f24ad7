/** Exit codes of every patchbay command (docs/cli.md, "Exit codes"). */
export const ExitCode = {
  ok: 0,
  /** The world differs from what was asked: verify mismatch, apply failed and rolled back. */
  differs: 1,
  /** Bad input: nothing was executed. */
  invalid: 2,
  /** A capability or permission is missing. */
  capability: 3,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]
