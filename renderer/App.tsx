import { ReactFlowProvider } from '@xyflow/react'
import { useState } from 'react'
import type { ApiReply } from '../shared/api/contract.ts'
import type { Client } from './api/client.ts'
import { Canvas } from './canvas/Canvas.tsx'
import { VlanChip } from './canvas/edges.tsx'
import { checkedLab, labDomains } from './document/checked.ts'
import { useDocument } from './document/use-document.ts'
import { Inspector } from './panels/Inspector.tsx'
import { Output } from './panels/Output.tsx'
import { Palette } from './panels/Palette.tsx'
import { Problems } from './panels/Problems.tsx'
import { StatusBar } from './panels/StatusBar.tsx'
import { Toolbar } from './panels/Toolbar.tsx'
import { SessionDock } from './sessions/session-dock.tsx'
import { ContextMenu } from './ui/context-menu.tsx'
import { useEditorFiles } from './ui/editor-files.ts'
import { ShortcutHelp } from './ui/help.tsx'
import { useShortcuts } from './ui/shortcuts.ts'
import { ExercisePanel } from './understand/exercise-panel.tsx'
import { PathPanel } from './understand/path-panel.tsx'

/** The broadcast domains as drawn, and (after apply) as the kernel has them, differences marked. */
function Legend({ client }: { client: Client }) {
  const lab = useDocument((s) => s.lab)
  const checked = checkedLab(lab)
  const drawn = labDomains(lab)
  const [observed, setObserved] = useState<ApiReply<'domains'>['domains'] | null>(null)
  const observedKeys = new Set((observed ?? []).map((d) => d.members.join(' ')))
  const drawnKeys = new Set(drawn.map((d) => d.members.join(' ')))
  return (
    <div className="legend">
      {drawn.map((d) => {
        const differs = observed !== null && !observedKeys.has(d.members.join(' '))
        return (
          <div
            key={d.id}
            className={`domain${differs ? ' differs' : ''}`}
            data-domain-members={d.members.join(' ')}
            data-domain-vlan={d.vlan ?? ''}
            data-differs={String(differs)}
          >
            {d.vlan !== null ? <VlanChip vlan={d.vlan} /> : <span className="chip">untagged</span>}{' '}
            {d.members.join(', ')}
            {differs && ' (not so on the machine)'}
          </div>
        )
      })}
      <button
        type="button"
        data-action="observed-domains"
        onClick={async () =>
          setObserved(observed ? null : (await client.call('domains', { lab, observed: true })).domains)
        }
      >
        {observed ? 'hide the machine’s view' : 'compare with the machine'}
      </button>
      {observed?.map((d) => (
        <div
          key={d.id}
          className={`domain observed${drawnKeys.has(d.members.join(' ')) ? '' : ' differs'}`}
          data-observed-members={d.members.join(' ')}
        >
          on the machine: {d.vlan ?? 'untagged'} {d.members.join(', ')}
        </div>
      ))}
      <Problems problems={checked.problems} />
    </div>
  )
}

export function App({ client }: { client: Client }) {
  useShortcuts(client)
  useEditorFiles(client)
  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar client={client} />
        <div className="main">
          <Palette />
          <Canvas />
          <div className="side">
            <ExercisePanel client={client} />
            <Inspector client={client} />
            <PathPanel client={client} />
            <Legend client={client} />
          </div>
        </div>
        <SessionDock client={client} />
        <Output client={client} />
        <ContextMenu />
        <ShortcutHelp />
        <StatusBar client={client} />
      </div>
    </ReactFlowProvider>
  )
}
