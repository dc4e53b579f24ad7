// The `patchbay` command line: a thin adapter that reads files, calls the shared core and prints.
import { Command, CommanderError, Option } from 'commander'
import { ExitCode } from '../../shared/api/exit-codes.ts'
import { CapabilityError } from '../core/errors.ts'
import { adoptCommand } from './commands/adopt.ts'
import { applyCommand, destroyCommand } from './commands/apply.ts'
import { captureCommand } from './commands/capture.ts'
import { checkCommand } from './commands/check.ts'
import { discoverCommand } from './commands/discover.ts'
import { domainsCommand } from './commands/domains.ts'
import { breakCommand } from './commands/exercise.ts'
import { explainCommand } from './commands/explain.ts'
import { exportCommand } from './commands/export.ts'
import { importCommand } from './commands/import.ts'
import { pipeworkCommand } from './commands/pipework.ts'
import { planCommand } from './commands/plan.ts'
import { serveCommand } from './commands/serve.ts'
import { statusCommand } from './commands/status.ts'
import { tablesCommand } from './commands/tables.ts'
import { traceCommand } from './commands/trace.ts'
import { validateCommand } from './commands/validate.ts'
import { verifyCommand } from './commands/verify.ts'
import { healCommand, watchCommand } from './commands/watch.ts'
import { type CliIo, InputError, processIo } from './io.ts'

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<ExitCode> {
  let code: ExitCode = ExitCode.ok
  const run =
    <A extends unknown[]>(command: (io: CliIo, ...args: A) => Promise<ExitCode>) =>
    async (...args: A) => {
      code = await command(io, ...args)
    }

  const program = new Command('patchbay')
    .description(
      'Container network labs from a file: validate, see broadcast domains, convert pipework scripts',
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError()
    .enablePositionalOptions()

  program
    .command('validate')
    .description('check a lab file; every problem with its line (exit 2 when there is any error)')
    .argument('<lab>', 'lab file, or - for standard input')
    .option('--json', 'print {"ok", "problems"} as JSON')
    .action(run(validateCommand))

  program
    .command('domains')
    .description('broadcast domains of a lab: which guest interfaces share a segment')
    .argument('<lab>', 'lab file, or - for standard input')
    .option('--json', 'print {"domains":[{"id","vlan","members"}]} as JSON')
    .option('--observed', 'from the kernel and OVS instead of the file')
    .action(run(domainsCommand))

  program
    .command('explain')
    .description(
      'why guest A reaches B or not, from the drawing (or --observed, the machine): the L2 path hop by hop, or the hop that blocks it (exit 1 when not reachable)',
    )
    .argument('<lab>', 'lab file, or - for standard input')
    .argument('<a>', 'guest interface node:ifname, or a guest name for its first link')
    .argument('<b>', 'guest interface node:ifname, or a guest name for its first link')
    .option('--json', 'print {"from","to","reachable","hops","blockedAt","why"} as JSON')
    .option('--observed', 'as root: from the applied lab as the kernel and OVS hold it, beside the drawing')
    .action(run(explainCommand))

  program
    .command('trace')
    .description(
      'real frames, as root on an applied lab: tcpdump on every port while A sends one ARP request and one ping to B; where each was seen, with its 802.1Q tag (exit 1 when B was not reached)',
    )
    .argument('<lab>', 'lab file, or - for standard input')
    .argument('<a>', 'guest interface node:ifname, or a guest name for its first link')
    .argument('<b>', 'guest interface node:ifname, or a guest name for its first link')
    .option('--json', 'print {"from","to","reached","hops":[{"node","port","vlan","seen","frame"}]} as JSON')
    .action(run(traceCommand))

  program
    .command('exercise')
    .description('practice on an applied lab: `exercise break LAB` injects one random L2 fault')
    .command('break')
    .description(
      'as root: inject one random L2 fault into the applied lab (a port re-tagged, a VLAN pruned from a trunk, a native VLAN changed, a link set down), on what the lab owns; apply repairs it',
    )
    .argument('<lab>', 'lab file, or - for standard input')
    .option('--reveal', 'say which fault was injected')
    .option('--json', 'print {"lab","fault":{"kind","link","device","description"}} as JSON (reveals it)')
    .action(run(breakCommand))

  program
    .command('tables')
    .description(
      "as root on an applied lab: each bridge's learned MAC table and its ports' VLAN membership as the kernel and OVS hold them",
    )
    .argument('<lab>', 'lab file, or - for standard input')
    .option(
      '--json',
      'print {"lab","bridges":[{"bridge","host","kind","present","fdb","ports","vlanFiltering","note"}]} as JSON',
    )
    .action(run(tablesCommand))

  program
    .command('check')
    .description(
      "grade the lab's exercise goals: from the machine when root and applied, else from the drawing (exit 1 when a goal is not met)",
    )
    .argument('<lab>', 'lab file with an exercise: block, or - for standard input')
    .option('--json', 'print {"ok","gradedFrom","goals":[{"goal","ok","why"}]} as JSON')
    .action(run(checkCommand))

  type EngineCommand = (io: CliIo, lab: string, options: { json?: boolean }) => Promise<ExitCode>
  const engineCommand = (name: string, description: string, json: string, action: EngineCommand) =>
    program
      .command(name)
      .description(description)
      .argument('<lab>', 'lab file, or - for standard input')
      .option('--json', json)
      .action(run(action))
  engineCommand(
    'plan',
    'what apply would do: ops with their commands and pipework equivalents; changes nothing',
    'print {"ops":[…]}',
    planCommand,
  )
  engineCommand(
    'apply',
    'converge this machine to the lab; a second apply does nothing',
    'print the outcome as JSON',
    applyCommand,
  )
  engineCommand(
    'destroy',
    'remove everything the lab made; nothing else is touched',
    'print the outcome as JSON',
    destroyCommand,
  )
  engineCommand(
    'status',
    'desired vs observed, per link: up, down, missing, drifted',
    'print {"inSync","links"}',
    statusCommand,
  )
  engineCommand(
    'verify',
    'real pings between guests: expected vs reachable (exit 1 on a mismatch)',
    'print {"ok","pairs"}',
    verifyCommand,
  )

  program
    .command('capture')
    .description(
      "a link's frames as pcap, from its namespace and device, on standard output (| wireshark -k -i -) or into a file, until interrupted",
    )
    .argument('<lab>', 'lab file, or - for standard input')
    .argument(
      '<link>',
      'link id: node:ifname for a guest link, bridge~bridge for a wire (as status shows them)',
    )
    .option('-c, --count <n>', 'stop after n frames')
    .option('-w, --write <file>', 'write the pcap into this file instead of standard output')
    .option(
      '-f, --filter <expression>',
      'a pcap-filter expression, e.g. "vlan 100 and icmp" (no shell syntax)',
    )
    .action(run(captureCommand))

  program
    .command('discover')
    .description(
      "this machine's bridges, OVS ports, containers, netns and their links as a lab (YAML on stdout); marks nothing",
    )
    .option('--json', 'the same lab as JSON')
    .option('--include-docker-networks', "also Docker's own networks (docker0, br-…) and the links to them")
    .option('--name <name>', "the lab's name (default: this machine's host name)")
    .action(async (options: { json?: boolean; includeDockerNetworks?: boolean; name?: string }) => {
      code = await discoverCommand(io, options)
    })

  engineCommand(
    'adopt',
    "mark the parts of this machine that already are what the lab says as the lab's: destroy then removes them",
    'print {"ok","marked","left","failed"}',
    adoptCommand,
  )

  program
    .command('import')
    .description(
      'turn a shell script of pipework lines, or a containerlab topology, into a lab file (YAML on stdout)',
    )
    .argument('<script>', 'pipework script or .clab.yml file, or - for standard input')
    .option('--name <name>', 'lab name', 'imported')
    .action(run(importCommand))

  program
    .command('export')
    .description(
      'the lab as pipework command lines, a containerlab topology, or a picture (svg, png, mermaid, dot)',
    )
    .argument('<lab>', 'lab file, or - for standard input')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['pipework', 'containerlab', 'svg', 'png', 'mermaid', 'dot'])
        .default('pipework'),
    )
    .option(
      '-o, --output <dir>',
      'containerlab: write <lab>.clab.yml and its annotations file into this directory; png: the file',
    )
    .action(run(exportCommand))

  program
    .command('watch')
    .description('live link-state events of a lab, one line each, until interrupted')
    .argument('<lab>', 'lab file, or - for standard input')
    .option('--json', 'one JSON object per line')
    .option('--heal', 're-attach the links of a lab container that restarts')
    .option('--counters', 'also rx/tx byte counters and rates, once a second')
    .action(run(watchCommand))

  program
    .command('serve')
    .description('the editor and its API on 127.0.0.1 (prints the URL with its one-time token)')
    .argument('[lab]', 'the lab file to open; Save writes it back (created if it does not exist)')
    .option('--port <n>', 'port to listen on (default: any free one)')
    .option('--dir <folder>', 'the page may also open and save .yaml files under this folder')
    .action(async (lab: string | undefined, options: { port?: string; dir?: string }) => {
      code = await serveCommand(io, lab, options)
    })

  program
    .command('heal')
    .description('keep a lab whole: re-attach the links of its containers when they restart (a service)')
    .argument('<lab>', 'lab file')
    .option('--json', 'one JSON object per healing')
    .action(run(healCommand))

  program
    .command('pipework')
    .description('drop-in pipework: the same arguments, carried out by the engine and recorded in a lab file')
    .argument('[args...]', 'pipework arguments, e.g. ovs0 test1 10.0.0.1/24 @100')
    .passThroughOptions()
    .allowUnknownOption()
    .helpOption(false)
    .action(async (args: string[]) => {
      code = await pipeworkCommand(io, args)
    })

  try {
    await program.parseAsync([...argv], { from: 'user' })
    return code
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return e.exitCode === 0 ? ExitCode.ok : ExitCode.invalid
    }
    if (e instanceof InputError) {
      io.stderr(`patchbay: ${e.message}\n`)
      return ExitCode.invalid
    }
    if (e instanceof CapabilityError) {
      io.stderr(`patchbay: ${e.message}\n`)
      return ExitCode.capability
    }
    throw e
  }
}
