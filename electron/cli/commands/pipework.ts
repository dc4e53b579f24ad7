import { ExitCode } from '../../../shared/api/exit-codes.ts'
import type { LabNode } from '../../../shared/lab/schema.ts'
import {
  type AttachCommand,
  type GuestToolCommand,
  isPipeworkError,
} from '../../../shared/pipework/command.ts'
import { attachToLink, hostInterfaceNode } from '../../../shared/pipework/import.ts'
import { parsePipework } from '../../../shared/pipework/parse.ts'
import { createEngine } from '../../core/create-engine.ts'
import type { Engine } from '../../core/engine.ts'
import {
  guestKind,
  hostInterfaceKind,
  pipeworkLabPath,
  readPipeworkLab,
  savePipeworkLab,
  waitForInterface,
  withLink,
  withoutGoneGuests,
} from '../../core/pipework-dropin.ts'
import { printPlanProblems, problemsExitCode } from '../engine-input.ts'
import type { CliIo } from '../io.ts'

/** `patchbay pipework …`: the same arguments as pipework, carried out by the engine. */
export async function pipeworkCommand(io: CliIo, args: string[]): Promise<ExitCode> {
  const command = parsePipework(args)
  if (isPipeworkError(command)) {
    io.stderr(`pipework: ${command.field}: ${command.message}\n`)
    return ExitCode.invalid
  }
  if (command.kind === 'wait') {
    if (await waitForInterface(command.ifname)) return ExitCode.ok
    io.stderr(`pipework: ${command.ifname} did not come up within 60 s\n`)
    return ExitCode.differs
  }
  const engine = createEngine()
  return command.kind === 'attach' ? attach(io, engine, command) : guestTool(io, engine, command)
}

/** The guest's kind; null, once said, when it is neither a container nor a netns here. */
async function knownGuest(io: CliIo, engine: Engine, guest: string) {
  const kind = await guestKind(engine, guest)
  if (!kind)
    io.stderr(`pipework: ${guest} is neither a Docker container nor a network namespace on this machine\n`)
  return kind
}

async function attach(io: CliIo, engine: Engine, command: AttachCommand): Promise<ExitCode> {
  const kind = await knownGuest(io, engine, command.guest)
  if (!kind) return ExitCode.invalid
  const host = hostInterfaceNode(command.hostInterface)
  const hostKind = 'name' in command.hostInterface ? await hostInterfaceKind(engine, host.name) : 'uplink'
  const hostNode: LabNode = hostKind === 'uplink' ? host.node : { kind: hostKind }
  const recorded = readPipeworkLab(engine.stateDir)
  const { lab, gone } = await withoutGoneGuests(engine, recorded.lab)
  for (const guest of gone)
    io.stderr(`pipework: forgot ${guest} and its links: it no longer exists on this machine\n`)
  const next = withLink(lab, attachToLink(command, host.name), { kind }, hostNode)
  const { plan, result } = await engine.apply(next)
  if (!result) {
    printPlanProblems(io, plan.problems)
    return problemsExitCode(plan.problems)
  }
  if (!result.ok) {
    io.stderr(
      `pipework: failed at ${result.failed?.op.id}: ${result.failed?.error}; undone (${result.rolledBack.length} steps)\n`,
    )
    return ExitCode.differs
  }
  // Recorded only once it worked: status and destroy of this file see exactly what exists.
  savePipeworkLab(engine.stateDir, next, recorded.document)
  io.stderr(
    `pipework: ${command.guest}:${command.ifname} on ${host.name} (${plan.ops.length} ops; recorded in ${pipeworkLabPath(engine.stateDir)})\n`,
  )
  return ExitCode.ok
}

async function guestTool(io: CliIo, engine: Engine, command: GuestToolCommand): Promise<ExitCode> {
  const kind = await knownGuest(io, engine, command.guest)
  if (!kind) return ExitCode.invalid
  const pid = kind === 'container' ? (await engine.containers.inspect(command.guest))?.pid : undefined
  const enter =
    kind === 'container' ? ['nsenter', '-t', String(pid), '-n'] : ['ip', 'netns', 'exec', command.guest]
  const tool = command.kind === 'tc' ? ['tc'] : ['ip', command.kind]
  const result = await engine.run.run([...enter, ...tool, ...command.args], { allowFailure: true })
  if (result.stdout) io.stdout(`${result.stdout}\n`)
  if (result.exitCode !== 0) io.stderr(`pipework: ${result.stderr}\n`)
  return result.exitCode === 0 ? ExitCode.ok : ExitCode.differs
}
