import type { ApplyReply, OpReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import {
  labOrExit,
  machineEngine,
  opReplyLine,
  printPlanProblems,
  problemsExitCode,
  serviceCall,
  withService,
} from '../engine-input.ts'
import type { CliIo } from '../io.ts'

type Options = { json?: boolean }

/** How many times apply takes the plan the machine needs now before it gives up (it kept moving). */
const REPLANS = 3

/** `patchbay apply LAB`: the service's planLab then applyPlan of that plan, as the editor runs it. */
export async function applyCommand(io: CliIo, path: string, options: Options): Promise<ExitCode> {
  const lab = await labOrExit(io, path)
  if (typeof lab === 'number') return lab
  const engine = machineEngine(io, 'apply', 'change')
  if (typeof engine === 'number') return engine
  const started = performance.now()
  let recovered: ApplyReply['recovered']
  let ops = new Map<string, OpReply>()
  const reply = await withService(io, 'apply', engine, async (service) => {
    // Each step as it is done, said the way plan says it.
    if (!options.json)
      service.onBroadcast((event) => {
        const op = event.type === 'progress' ? ops.get(event.op) : undefined
        if (op) io.stdout(`  done  ${opReplyLine(op)}\n`)
      })
    let plan = await service.calls.planLab({ lab })
    for (let tries = 0; ; tries++) {
      ops = new Map(plan.ops.map((op) => [op.id, op]))
      const applied = await service.calls.applyPlan({ planId: plan.planId })
      // The machine moved between plan and apply (an interrupted run undone first): its new plan.
      if (!('ran' in applied) || tries === REPLANS) return applied
      recovered ??= applied.recovered
      plan = applied.plan
    }
  })
  if (typeof reply === 'number') return reply
  if ('ran' in reply) {
    io.stderr(`patchbay apply: ${reply.why}\n`)
    return ExitCode.differs
  }
  return report(io, { ...reply, recovered: recovered ?? reply.recovered }, options, 'apply', started)
}

/** `patchbay destroy LAB`: the service's destroyLab. */
export async function destroyCommand(io: CliIo, path: string, options: Options): Promise<ExitCode> {
  const lab = await labOrExit(io, path)
  if (typeof lab === 'number') return lab
  const engine = machineEngine(io, 'destroy', 'change')
  if (typeof engine === 'number') return engine
  const started = performance.now()
  const reply = await serviceCall(io, 'destroy', engine, 'destroyLab', { lab })
  if (typeof reply === 'number') return reply
  if (!options.json) {
    // The service says what it did once done: each step, in the order it ran.
    const ops = new Map(reply.ops.map((op) => [op.id, op]))
    for (const id of reply.done) {
      const op = ops.get(id)
      if (op) io.stdout(`  done  ${opReplyLine(op)}\n`)
    }
  }
  return report(io, reply, options, 'destroy', started)
}

function report(
  io: CliIo,
  reply: ApplyReply,
  options: Options,
  verb: 'apply' | 'destroy',
  started: number,
): ExitCode {
  const ms = Math.round(performance.now() - started)
  const { recovered, rollbackErrors = [], ...json } = reply
  const ran = reply.ok || reply.failed !== null
  if (recovered && !options.json) {
    io.stderr(`${reply.lab}: an earlier run was interrupted; undid ${recovered.undone} of its steps first\n`)
  }
  if (options.json) {
    const out: ApplyReply = json
    io.stdout(`${JSON.stringify(out)}\n`)
  } else {
    printPlanProblems(io, reply.problems)
    if (reply.ok) {
      io.stdout(
        reply.ops.length === 0
          ? `${reply.lab}: in sync, nothing to do (${ms} ms)\n`
          : `${reply.lab}: ${verb} done, ${reply.ops.length} ops in ${ms} ms\n`,
      )
    } else if (reply.failed) {
      io.stderr(`${reply.lab}: ${verb} failed at ${reply.failed.id}: ${reply.failed.error}\n`)
      io.stderr(
        `rolled back ${reply.rolledBack.length} of ${reply.done.length} done ops${rollbackErrors.length ? `; could not undo: ${rollbackErrors.join('; ')}` : ''}\n`,
      )
    }
  }
  if (!ran) return problemsExitCode(reply.problems)
  return reply.ok ? ExitCode.ok : ExitCode.differs
}
