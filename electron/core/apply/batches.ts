// Turns a phase's ops into as few processes as the tools allow: one `ip -batch` per namespace, one
// ovs-vsctl transaction per OVS instance, one `bridge -batch` per host, one Docker call per
// container; a host's own commands (`cmd`) run one after another, in plan order.
import { type IpTarget, type Op, targetKey } from '../../../shared/plan/op.ts'

export type Batch =
  | { readonly tool: 'ip'; readonly target: IpTarget; readonly ops: readonly Op[] }
  | { readonly tool: 'ovs-vsctl'; readonly db: string | undefined; readonly ops: readonly Op[] }
  | { readonly tool: 'bridge'; readonly netns: string | undefined; readonly ops: readonly Op[] }
  | { readonly tool: 'cmd'; readonly ops: readonly Op[] }
  | { readonly tool: 'docker'; readonly ops: readonly [Op] }

export function batchesOf(ops: readonly Op[]): Batch[] {
  const batches = new Map<string, Batch & { ops: Op[] }>()
  const docker: Batch[] = []
  const add = (key: string, make: () => Batch, op: Op) => {
    const batch = (batches.get(key) ?? make()) as Batch & { ops: Op[] }
    batch.ops.push(op)
    batches.set(key, batch)
  }
  for (const op of ops) {
    const exec = op.exec
    switch (exec.tool) {
      case 'ip':
        add(
          `ip/${op.host}/${targetKey(exec.target)}`,
          () => ({ tool: 'ip', target: exec.target, ops: [] }),
          op,
        )
        break
      case 'ovs-vsctl':
        add(`ovs/${exec.db ?? ''}`, () => ({ tool: 'ovs-vsctl', db: exec.db, ops: [] }), op)
        break
      case 'bridge':
        add(`bridge/${exec.netns ?? ''}`, () => ({ tool: 'bridge', netns: exec.netns, ops: [] }), op)
        break
      case 'cmd':
        // In order per node: a host's OVS start-up steps one after another; guests side by side.
        add(`cmd/${op.host}/${op.node ?? ''}`, () => ({ tool: 'cmd', ops: [] }), op)
        break
      case 'docker':
        docker.push({ tool: 'docker', ops: [op] })
    }
  }
  return [...batches.values(), ...docker]
}

/** Ops grouped by phase, phases in order. */
export function phasesOf(ops: readonly Op[]): Op[][] {
  const byPhase = new Map<number, Op[]>()
  for (const op of ops) byPhase.set(op.phase, [...(byPhase.get(op.phase) ?? []), op])
  return [...byPhase.entries()].sort(([a], [b]) => a - b).map(([, phaseOps]) => phaseOps)
}
