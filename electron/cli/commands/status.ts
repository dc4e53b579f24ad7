import type { StatusReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { labOrExit, machineEngine, printPlanProblems, serviceCall } from '../engine-input.ts'
import type { CliIo } from '../io.ts'

/** `patchbay status LAB`: the service's statusLab (a lab over machines is read on each machine). */
export async function statusCommand(io: CliIo, path: string, options: { json?: boolean }): Promise<ExitCode> {
  const lab = await labOrExit(io, path)
  if (typeof lab === 'number') return lab
  const engine = machineEngine(io, 'status', 'look')
  if (typeof engine === 'number') return engine
  const report = await serviceCall(io, 'status', engine, 'statusLab', { lab })
  if (typeof report === 'number') return report
  const { capabilities } = report
  if (options.json) {
    const reply: StatusReply = {
      inSync: report.inSync,
      links: report.links,
      extra: report.extra,
      problems: report.problems,
      capabilities,
    }
    io.stdout(`${JSON.stringify(reply)}\n`)
  } else {
    for (const link of report.links) {
      const where = link.hostIfname ? `${link.hostIfname} <-> ${link.guestIfname}` : ''
      io.stdout(
        `${link.state.padEnd(8)} ${link.id.padEnd(24)} ${where}${link.addresses?.length ? `  ${link.addresses.join(' ')}` : ''}\n`,
      )
      for (const reason of link.reasons) io.stdout(`         ${reason}\n`)
    }
    for (const extra of report.extra) io.stdout(`extra    ${extra.id.padEnd(24)} ${extra.why}\n`)
    printPlanProblems(io, report.problems)
    if (capabilities) {
      const yes = (b: boolean) => (b ? 'yes' : 'no')
      io.stdout(
        `host local: OVS ${yes(capabilities.ovs)} (datapath ${capabilities.ovsKernelDatapath ? 'system' : 'netdev'}), 802.1Q ${yes(capabilities.vlan8021q)}, bridge VLAN filtering ${yes(capabilities.bridgeVlanFiltering)}, macvlan ${yes(capabilities.macvlan)}, netem ${yes(capabilities.netem)}\n`,
      )
    }
    io.stdout(
      report.inSync
        ? `${lab.name}: in sync\n`
        : `${lab.name}: differs from the lab (patchbay apply repairs it)\n`,
    )
  }
  return report.inSync ? ExitCode.ok : ExitCode.differs
}
