// The desktop app takes a lab file on its command line, as `electron . lab.yaml` while developing
// and `patchbay lab.yaml` when packaged; Chromium's own switches are not files.
import { describe, expect, it } from 'vitest'
import { labFileArgument } from '../../../electron/main/files.ts'

describe('the desktop app’s command line', () => {
  it('finds the lab file after the app path, skipping switches', () => {
    expect(labFileArgument(['/usr/bin/electron', '.', 'labs/vlan.yaml'], false)).toBe('labs/vlan.yaml')
    expect(labFileArgument(['/opt/patchbay/patchbay', '--no-sandbox', 'a.yml'], true)).toBe('a.yml')
    expect(labFileArgument(['/opt/patchbay/patchbay', '--enable-features=x'], true)).toBeNull()
    // The dev app path `.` is never taken for a file, nor is a non-YAML argument.
    expect(labFileArgument(['/usr/bin/electron', '.', 'notes.txt'], false)).toBeNull()
  })
})
