// A link's administrative state and impairments in the inspector: a select for up/down, and one
// field per netem value in tc's units, each with the problems validate finds there.
import { NETEM_FIELDS } from '../../shared/lab/netem.ts'
import type { LabLink } from '../../shared/lab/schema.ts'
import { setLinkState, setNetemField } from '../document/link-commands.ts'
import { useDocument } from '../document/use-document.ts'
import { Field } from './field.tsx'

const HINT: Record<(typeof NETEM_FIELDS)[number], string> = {
  delay: 'delay (e.g. 40ms)',
  jitter: 'jitter (needs a delay)',
  loss: 'loss (e.g. 1%)',
  rate: 'rate (e.g. 10mbit)',
  corrupt: 'corrupt (%)',
  duplicate: 'duplicate (%)',
  reorder: 'reorder (%, needs a delay)',
}

export function LinkExtras({ link, linkId, at }: { link: LabLink; linkId: string; at: string }) {
  const change = useDocument((s) => s.change)
  return (
    <>
      <label className="field">
        <span>state</span>
        <select
          data-field={`${at}.state`}
          value={link.state ?? 'up'}
          onChange={(e) => change((l) => setLinkState(l, linkId, e.target.value === 'down' ? 'down' : 'up'))}
        >
          <option value="up">up</option>
          <option value="down">down (administratively)</option>
        </select>
      </label>
      <fieldset className="netem" data-netem={linkId}>
        <legend>impairments (netem)</legend>
        {NETEM_FIELDS.map((field) => (
          <Field
            key={field}
            label={HINT[field]}
            value={link.netem?.[field] ?? ''}
            path={`${at}.netem.${field}`}
            onChange={(v) => change((l) => setNetemField(l, linkId, field, v))}
          />
        ))}
      </fieldset>
    </>
  )
}
