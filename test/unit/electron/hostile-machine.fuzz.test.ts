// What the engine reads back from the machine is hostile: a guest with CAP_NET_ADMIN names and
// aliases its own interfaces, and whoever could write the state dir wrote its journal. Here the
// whole engine (recover, observe, plan, execute) runs against a FAKE runner and a FAKE container
// runtime — stand-ins, so that thousands of hostile machines cost no root and no kernel — which
// answer with random interface names, aliases and journal lines. Every hostile text carries a
// canary; the property is that no canary ever reaches a process's argv or a batch script, and
// that every batch line is one command of plain words.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import type { ContainerRuntime, ContainerState } from '../../../electron/core/drivers/container-runtime.ts'
import { Engine } from '../../../electron/core/engine.ts'
import { unsafeBatchWord } from '../../../electron/core/exec/batch-line.ts'
import { Runner, type RunOptions, type RunResult } from '../../../electron/core/exec/runner.ts'
import { loadLab } from '../../../shared/lab/load.ts'

const CANARY = 'pwn7c4n4ry'
const LAB = 'fz'

/** Text a hostile guest might write, each piece carrying the canary. */
const hostileText = fc.oneof(
  fc.constantFrom(
    `x\nnetns add ${CANARY}`,
    `x\nnetns exec ${CANARY} touch /tmp/x\nlink show lo`,
    `a ${CANARY}`,
    `a#${CANARY}`,
    `a"${CANARY}`,
    `a'${CANARY}`,
    `a\\${CANARY}`,
    `a\u0001${CANARY}`,
    `a\u001b[2J${CANARY}`,
    `-${CANARY}`,
    `--${CANARY}`,
  ),
  fc
    .tuple(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(' ', '\n', '\t', '#', '"', "'", '\\', '\u0000', '\u007f'),
    )
    .map(([s, bad]) => `${s}${bad}${CANARY}`),
)

/** An alias: patchbay's own mark shapes with a hostile part, plain hostile text, or a real mark. */
const hostileAlias = fc.oneof(
  hostileText,
  hostileText.map((t) => `patchbay:${LAB}:phys:${t}:n1:eth1`),
  hostileText.map((t) => `patchbay:${LAB}:phys:eth9:${t}`),
  hostileText.map((t) => `patchbay:${LAB}:link:${t}`),
  hostileText.map((t) => `patchbay:${LAB}:wire:a:${t}`),
  hostileText.map((t) => `patchbay:${LAB}:node:${t}`),
  fc.constantFrom(`patchbay:${LAB}:link:gone:eth1`, `patchbay:${LAB}:phys:eth9:n1:eth1`),
)

/** An interface name: kernel-legal names (no blank, `/` or `:`) that are hostile for a batch. */
const hostileIfname = fc.oneof(
  fc.constantFrom(`a#${CANARY}`.slice(0, 15), `a"${CANARY}`.slice(0, 15), `-${CANARY}`.slice(0, 15)),
  fc.constantFrom('eth1', 'eth2', 'gone-eth1', 'n1-eth1'),
)

interface FakeInterface {
  readonly ifname: string
  readonly alias: string
  readonly kind: 'veth' | 'macvlan' | 'bridge'
}
const fakeInterface = fc.record({
  ifname: hostileIfname,
  alias: hostileAlias,
  kind: fc.constantFrom<FakeInterface['kind']>('veth', 'macvlan', 'bridge'),
})

/**
 * JSON as ip prints it: ip escapes quotes, backslashes, \b \t \n \f \r, and writes every other
 * control character raw (JSON.stringify escapes them as \u00XX; an escaped backslash before one is not one).
 */
const asIpPrintsIt = (json: string): string =>
  json.replace(/(?<=(?:^|[^\\])(?:\\\\)*)\\u00([01][0-9a-f])/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  )

const ipJson = (interfaces: readonly FakeInterface[]): string =>
  asIpPrintsIt(
    JSON.stringify([
      { ifindex: 1, ifname: 'lo', flags: ['UP'], operstate: 'UNKNOWN', addr_info: [] },
      ...interfaces.map((i, n) => ({
        ifindex: 100 + n,
        ifname: i.ifname,
        ifalias: i.alias,
        flags: ['UP'],
        operstate: 'UP',
        mtu: 1500,
        address: '02:00:00:00:00:01',
        linkinfo: { info_kind: i.kind },
        addr_info: [],
      })),
    ]),
  )

/** Records every process the engine would start and answers like a machine full of hostile names. */
class FakeMachine extends Runner {
  readonly calls: { argv: readonly string[]; input: string | undefined }[] = []
  constructor(
    private readonly host: readonly FakeInterface[],
    private readonly guest: readonly FakeInterface[],
  ) {
    super()
  }

  override async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push({ argv: [...argv], input: options.input })
    const ok = (stdout: string): RunResult => ({ stdout, stderr: '', exitCode: 0 })
    if (argv[0] === 'ovs-vsctl') return { stdout: '', stderr: 'no OVS here', exitCode: 1 }
    if (argv[0] === 'ip' && argv.includes('-batch') && options.input !== undefined) {
      const lines = options.input.split('\n').filter(Boolean)
      // Reads inside guests (`-j`): an interface list and a route list per namespace.
      if (argv.includes('-j') || lines.every((l) => l.startsWith('netns exec') && l.includes(' -j '))) {
        const perNs = argv.includes('-j') ? [lines] : lines.map(() => ['addr show', 'route show default'])
        return ok(perNs.flatMap(() => [ipJson(this.guest), '[]']).join('\n'))
      }
      return ok('')
    }
    if (argv[0] === 'ip' && argv.includes('-j') && argv.includes('addr')) return ok(ipJson(this.host))
    return ok('')
  }
}

class FakeContainers implements ContainerRuntime {
  /** With a reason, every call fails as a Docker engine that does not answer would. */
  constructor(private readonly down: string | null = null) {}
  async inspect(name: string): Promise<ContainerState | null> {
    if (this.down) throw new Error(this.down)
    return { id: name, name, pid: process.pid, running: true, labels: {} }
  }
  async list() {
    if (this.down) throw new Error(this.down)
    return []
  }
  async create(): Promise<string> {
    return 'id'
  }
  async start(): Promise<void> {}
  async remove(): Promise<void> {}
}

const lab = loadLab(
  `patchbay: 1\nname: ${LAB}\nnodes:\n  br0: { kind: linux-bridge }\n  n1: { kind: netns }\n  c1: { kind: container }\nlinks:\n  - { guest: n1, to: br0, ip: 10.0.0.1/24 }\n  - { guest: c1, to: br0, ip: 10.0.0.2/24 }\n`,
).lab!

const scratch: string[] = []
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
})

/** Journal lines: what patchbay writes, and what someone else could have written. */
const journalLine = fc.oneof(
  fc.constant({
    start: 'veth.create:n1-eth1',
    host: 'local',
    inverse: { tool: 'ip', target: { kind: 'host' }, line: ['link', 'del', 'n1-eth1'] },
  }),
  fc.constant({ start: 'x', host: 'local', inverse: { tool: 'cmd', argv: ['touch', `/tmp/${CANARY}`] } }),
  fc.constant({
    start: 'x',
    host: 'local',
    inverse: { tool: 'cmd', argv: ['ovs-appctl', '-t', `/tmp/${CANARY}/sw.ctl`, 'exit'] },
  }),
  hostileText.map((t) => ({
    start: 'x',
    host: 'local',
    inverse: { tool: 'ip', target: { kind: 'host' }, line: ['link', 'del', t] },
  })),
  hostileText.map((t) => ({
    start: 'x',
    host: 'local',
    inverse: { tool: 'ip', target: { kind: 'netns', name: t }, line: ['link', 'del', 'x'] },
  })),
  hostileText.map((t) => ({ start: 'x', host: t, inverse: { tool: 'bridge', line: ['vlan', 'del', t] } })),
  hostileText.map((t) => ({
    start: 'x',
    host: 'local',
    inverse: { tool: 'ovs-vsctl', clause: ['del-port', 'ovs0', '--', 'del-br', t] },
  })),
  hostileText.map((t) => ({
    start: 'x',
    host: 'local',
    inverse: { tool: 'docker', call: { kind: 'remove', name: t } },
  })),
)

/** A state file: netns names and moved NICs, possibly hostile. */
const stateFile = fc.record({
  lab: fc.constant(LAB),
  netns: fc.array(fc.oneof(hostileText, fc.constant('old-ns')), { maxLength: 3 }),
  movedNics: fc.array(
    fc.record({
      host: fc.constant('local'),
      linkId: fc.oneof(hostileText, fc.constant('n1:eth1')),
      nic: fc.oneof(hostileText, fc.constant('eth9')),
    }),
    { maxLength: 2 },
  ),
})

describe('a machine full of hostile names, aliases, journal lines and state', () => {
  it('never lets a hostile text into a command, and every batch line is one command', async () => {
    // So that the property cannot hold by the engine doing nothing at all.
    let batchLines = 0
    let veths = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fakeInterface, { maxLength: 5 }),
        fc.array(fakeInterface, { maxLength: 5 }),
        fc.array(journalLine, { maxLength: 6 }),
        stateFile,
        fc.boolean(),
        fc.constantFrom(null, null, null, 'Docker engine is not reachable at /x.sock: ECONNREFUSED'),
        async (host, guest, journal, state, destroy, dockerDown) => {
          const stateDir = mkdtempSync(join(tmpdir(), 'patchbay-fuzz-'))
          scratch.push(stateDir)
          writeFileSync(
            join(stateDir, `${LAB}.journal.jsonl`),
            journal.map((e) => JSON.stringify(e)).join('\n'),
          )
          writeFileSync(join(stateDir, `${LAB}.json`), JSON.stringify(state))
          const machine = new FakeMachine(host, guest)
          const engine = new Engine({ run: machine, containers: new FakeContainers(dockerDown), stateDir })
          await (destroy ? engine.destroy(lab) : engine.apply(lab))
          for (const call of machine.calls) {
            expect(call.argv.join(' ')).not.toContain(CANARY)
            if (call.input === undefined) continue
            expect(call.input).not.toContain(CANARY)
            if (call.argv.includes('-batch'))
              for (const line of call.input.split('\n').filter(Boolean)) {
                batchLines += 1
                if (line.includes('type veth')) veths += 1
                for (const word of line.split(' ')) expect(unsafeBatchWord(word)).toBeNull()
              }
          }
          rmSync(stateDir, { recursive: true, force: true })
        },
      ),
      { numRuns: 150 },
    )
    expect(batchLines).toBeGreaterThan(150)
    expect(veths).toBeGreaterThan(0)
  }, 120_000)
})
