// A machine's frame says why it is unreachable in a few words; ssh's whole message is its tooltip.
import { describe, expect, it } from 'vitest'
import { shortWhy } from '../../../renderer/canvas/host-frame.tsx'

describe("an unreachable machine's reason on its frame", () => {
  it("is ssh's last words, or that the connection was lost", () => {
    expect(
      shortWhy(
        'machine m2 (root@10.250.0.12) is unreachable while talking to its helper (ssh exit 255: ssh: connect to host 10.250.0.12 port 22: Connection refused)',
      ),
    ).toBe('Connection refused')
    expect(shortWhy('machine m2 (root@10.250.0.12) is unreachable while watching (ssh exit 255)')).toBe(
      'connection lost',
    )
    expect(shortWhy('machine m2 (root@10.250.0.12) is unreachable while watching (ssh exit signal)')).toBe(
      'ssh exit signal',
    )
    expect(shortWhy(undefined)).toBe('no answer')
    expect(shortWhy('x'.repeat(100))).toHaveLength(58)
  })
})
