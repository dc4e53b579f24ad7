// What every answerer of the contract's calls shares: the shape of a set of calls, the error that
// says why one failed (in the contract's kinds), and the check a lab from outside passes first.
import type {
  ApiCall,
  ApiError,
  ApiReply,
  ApiRequest,
  ErrorKind,
  FILE_CALLS,
  LiveEventOf,
  ProblemReply,
} from '../../shared/api/contract.ts'
import { ExitCode } from '../../shared/api/exit-codes.ts'
import { problemReply } from '../../shared/api/replies.ts'
import { checkLab } from '../../shared/lab/check.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { LabFileError } from './lab-files.ts'

/** One function per call of the contract; a new call in the contract must be answered by each. */
export type Calls = { [C in ApiCall]: (request: ApiRequest<C>) => Promise<ApiReply<C>> }

/** The calls that touch the user's files: answered where the user's own rights are (file-calls.ts). */
export type FileCall = (typeof FILE_CALLS)[number]
export type FileCalls = Pick<Calls, FileCall>
/** The calls that need the engine (or say why they cannot have it). */
export type EngineCalls = Omit<Calls, FileCall>

export type ProgressEvent = LiveEventOf<'progress'>

/** A call that failed for a reason the caller can act on; anything else thrown is `failed`. */
export class ServiceError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly problems: readonly ProblemReply[] = [],
  ) {
    super(message)
  }
}

/** A failure as every transport sends it (shared/api/contract.ts ApiError, `kind` always set). */
export type Failure = ApiError & { readonly kind: ErrorKind }

export type CallOutcome =
  | { readonly ok: true; readonly reply: unknown }
  | { readonly ok: false; readonly failure: Failure }

/** The exit code a command ends with after a failure of this kind (design.md, "Commands"). */
export const exitCodeOf = (kind: ErrorKind): ExitCode =>
  kind === 'capability' ? ExitCode.capability : kind === 'failed' ? ExitCode.differs : ExitCode.invalid

export const failureOf = (error: unknown): Failure => {
  if (error instanceof ServiceError)
    return {
      kind: error.kind,
      error: error.message,
      ...(error.problems.length > 0 ? { problems: [...error.problems] } : {}),
    }
  // A lab file that may not be opened or saved as asked: bad input, like a lab with errors.
  if (error instanceof LabFileError)
    return {
      kind: 'invalid',
      error: error.message,
      ...(error.problems.length > 0 ? { problems: error.problems } : {}),
    }
  return { kind: 'failed', error: error instanceof Error ? error.message : String(error) }
}

/** A lab from outside (a request, a message), checked: a lab with errors is refused with its problems. */
export function labOf(input: unknown): Lab {
  const checked = checkLab(input)
  if (!checked.lab)
    throw new ServiceError(
      'invalid',
      'the lab has errors; nothing was run',
      checked.problems.map(problemReply),
    )
  return checked.lab
}
