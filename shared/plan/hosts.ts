// Simulated hosts: a network namespace with its own Open vSwitch (its own ovsdb-server and
// ovs-vswitchd, database and sockets under the state dir), which works with the
// userspace datapath this kernel offers.
import { emptyPart, type HostPlace, type PlanContext, type PlanPart } from './context.ts'
import { nodeMark } from './device-names.ts'
import { type Op, type OpExec, Phase } from './op.ts'

const SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema'

const cmd = (argv: string[]): OpExec => ({ tool: 'cmd', argv })

/** The ovs-appctl control sockets of an instance, to stop it. */
const stopVswitchd = (dir: string) => cmd(['ovs-appctl', '-t', `${dir}/sw.ctl`, 'exit'])
const stopOvsdb = (dir: string) => cmd(['ovs-appctl', '-t', `${dir}/db.ctl`, 'exit'])

function simulatedPlace(ctx: PlanContext): Required<{ [K in keyof HostPlace]: string }> | null {
  const { netns, ovsDb, ovsDir } = ctx.place
  return netns && ovsDb && ovsDir ? { netns, ovsDb, ovsDir } : null
}

export function planHost(ctx: PlanContext): PlanPart {
  const part = emptyPart()
  const place = simulatedPlace(ctx)
  if (!place || (ctx.observed.present && ctx.observed.ovs)) return part
  const { netns, ovsDir: dir } = place
  const op = (id: string, exec: OpExec, inverse: OpExec | null, why: string): Op => ({
    id: `host.create:${ctx.host}:${id}`,
    host: ctx.host,
    phase: Phase.hosts,
    action: 'host.create',
    effect: 'create',
    exec,
    inverse,
    pipework: null,
    why,
    node: ctx.host,
  })
  if (!ctx.observed.present) {
    part.ops.push(
      op(
        'netns',
        cmd(['ip', 'netns', 'add', netns]),
        cmd(['ip', 'netns', 'del', netns]),
        `simulated host ${ctx.host} does not exist`,
      ),
      op(
        'mark',
        cmd([
          'ip',
          '-n',
          netns,
          'link',
          'set',
          'lo',
          'up',
          'alias',
          nodeMark(ctx.lab.name, `host:${ctx.host}`),
        ]),
        null,
        `mark ${netns} as lab ${ctx.lab.name}'s host ${ctx.host}`,
      ),
    )
  }
  part.ops.push(
    op('dir', cmd(['mkdir', '-p', dir]), null, `${ctx.host}'s Open vSwitch keeps its database in ${dir}`),
    // A database left by an earlier instance would make `ovsdb-tool create` fail; this one is new.
    op(
      'fresh-db',
      cmd(['rm', '-f', `${dir}/conf.db`]),
      null,
      `${ctx.host} starts with an empty OVS database`,
    ),
    op(
      'db',
      cmd(['ovsdb-tool', 'create', `${dir}/conf.db`, SCHEMA]),
      null,
      `create ${ctx.host}'s OVS database`,
    ),
    op(
      'ovsdb-server',
      cmd([
        'ip',
        'netns',
        'exec',
        netns,
        'ovsdb-server',
        `${dir}/conf.db`,
        `--remote=punix:${dir}/db.sock`,
        `--pidfile=${dir}/db.pid`,
        `--unixctl=${dir}/db.ctl`,
        '--detach',
        `--log-file=${dir}/db.log`,
      ]),
      stopOvsdb(dir),
      `run ${ctx.host}'s ovsdb-server inside its namespace`,
    ),
    op(
      'init',
      cmd(['ovs-vsctl', `--db=unix:${dir}/db.sock`, '--no-wait', 'init']),
      null,
      `initialise ${ctx.host}'s OVS database`,
    ),
    op(
      'ovs-vswitchd',
      cmd([
        'ip',
        'netns',
        'exec',
        netns,
        'ovs-vswitchd',
        `unix:${dir}/db.sock`,
        `--pidfile=${dir}/sw.pid`,
        `--unixctl=${dir}/sw.ctl`,
        '--detach',
        `--log-file=${dir}/sw.log`,
      ]),
      stopVswitchd(dir),
      `run ${ctx.host}'s ovs-vswitchd inside its namespace`,
    ),
  )
  return part
}

/** Stops a simulated host's OVS and removes its namespace (after everything in it is gone). */
export function planHostRemoval(ctx: PlanContext): PlanPart {
  const part = emptyPart()
  const place = simulatedPlace(ctx)
  if (!place || (!ctx.observed.present && !ctx.observed.ovs)) return part
  const op = (id: string, exec: OpExec, why: string): Op => ({
    id: `host.delete:${ctx.host}:${id}`,
    host: ctx.host,
    phase: Phase.removeHosts,
    action: 'host.delete',
    effect: 'remove',
    exec,
    inverse: null,
    pipework: null,
    why,
    node: ctx.host,
  })
  if (ctx.observed.ovs) {
    part.ops.push(
      op('ovs-vswitchd', stopVswitchd(place.ovsDir), `stop ${ctx.host}'s ovs-vswitchd`),
      op('ovsdb-server', stopOvsdb(place.ovsDir), `stop ${ctx.host}'s ovsdb-server`),
    )
  }
  if (ctx.observed.present) {
    part.ops.push(
      op(
        'netns',
        cmd(['ip', 'netns', 'del', place.netns]),
        `simulated host ${ctx.host} was made by this lab`,
      ),
    )
  }
  return part
}
