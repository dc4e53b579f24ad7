import type { BridgeTablesReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { printable } from '../../../shared/plan/shell-words.ts'
import { engineService, exitCodeOf } from '../../core/service.ts'
import { labOrExit, machineEngine } from '../engine-input.ts'
import type { CliIo } from '../io.ts'

/** `patchbay tables LAB`: the service's bridgeTables, printed (exit 1 when a bridge is missing). */
export async function tablesCommand(io: CliIo, path: string, options: { json?: boolean }): Promise<ExitCode> {
  const lab = await labOrExit(io, path)
  if (typeof lab === 'number') return lab
  const engine = machineEngine(io, 'tables', 'look')
  if (typeof engine === 'number') return engine
  const outcome = await engineService(engine).call('bridgeTables', { lab })
  if (!outcome.ok) {
    io.stderr(`patchbay tables: ${printable(outcome.failure.error)}\n`)
    return exitCodeOf(outcome.failure.kind)
  }
  const reply = outcome.reply as BridgeTablesReply
  if (options.json) io.stdout(`${JSON.stringify(reply)}\n`)
  else printTables(io, reply)
  return reply.bridges.every((b) => b.present) ? ExitCode.ok : ExitCode.differs
}

const where = (node: string | null, port: string | null, device: string | null) =>
  printable(node && port ? `${node}/${port}` : (device ?? '?'))

function printTables(io: CliIo, reply: BridgeTablesReply): void {
  for (const b of reply.bridges) {
    io.stdout(`${printable(b.bridge)} (${b.kind} on ${printable(b.host)})\n`)
    if (b.note) io.stdout(`  ${printable(b.note)}\n`)
    if (!b.present) continue
    io.stdout('  ports:\n')
    for (const p of b.ports) {
      const vlans =
        b.kind === 'ovs-bridge'
          ? [
              p.tag !== null ? `tag ${p.tag}` : null,
              p.trunks.length > 0 ? `trunks ${p.trunks.join(',')}` : null,
              p.vlanMode ? `vlan_mode ${p.vlanMode}` : null,
            ]
              .filter(Boolean)
              .join(' ') || 'every VLAN (no tag, no trunks)'
          : p.vlans === null
            ? 'every frame as it is'
            : p.vlans
                .map((v) => `${v.vlan}${v.pvid ? ' pvid' : ''}${v.untagged ? ' untagged' : ''}`)
                .join(', ')
      io.stdout(`    ${printable(p.device).padEnd(16)} ${where(p.node, p.port, null).padEnd(28)} ${vlans}\n`)
    }
    io.stdout(`  learned MACs (${b.fdb.filter((e) => !e.local).length}):\n`)
    for (const e of b.fdb.filter((x) => !x.local)) {
      const vlan = e.vlan === null ? '' : `vlan ${e.vlan}`
      io.stdout(`    ${e.mac}  ${vlan.padEnd(9)} ${where(e.node, e.port, e.device)}\n`)
    }
  }
}
