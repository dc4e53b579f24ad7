import type { ApplyReply } from '../../shared/api/contract.ts'
import { opReply } from '../../shared/api/replies.ts'
import type { ApplyOutcome } from './engine.ts'

/** An apply's or destroy's outcome in the contract's words (CLI --json, serve, the desktop app). */
export const applyReply = (
  labName: string,
  { plan, result, recovered }: ApplyOutcome,
  durationMs: number,
): ApplyReply => ({
  ok: result?.ok ?? false,
  lab: labName,
  ops: plan.ops.map(opReply),
  done: result?.done.map((op) => op.id) ?? [],
  failed: result?.failed ? { id: result.failed.op.id, error: result.failed.error } : null,
  rolledBack: result?.rolledBack.map((op) => op.id) ?? [],
  problems: [...plan.problems],
  durationMs,
  ...(result?.rollbackErrors.length ? { rollbackErrors: [...result.rollbackErrors] } : {}),
  ...(recovered ? { recovered: { undone: recovered.undone, failed: recovered.failed } } : {}),
})
