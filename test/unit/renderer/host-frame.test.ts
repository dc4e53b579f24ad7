// A host's frame says what the host is: a simulated host, or a machine with where it is reached.
import { describe, expect, it } from 'vitest'
import { hostFrames } from '../../../renderer/canvas/host-frame.tsx'
import { sshTarget } from '../../../shared/lab/ssh.ts'

describe('host frames', () => {
  const box = { x: 100, y: 100, width: 120, height: 50 }

  it('name a machine by its ssh target and leave a simulated host without one', () => {
    const frames = hostFrames(
      ['m1', 'sim'],
      () => [box],
      () => undefined,
      (host) => (host === 'm1' ? 'root@10.250.0.11' : undefined),
    )
    expect(frames.map((f) => f.data)).toEqual([
      expect.objectContaining({ name: 'm1', machine: 'root@10.250.0.11' }),
      expect.not.objectContaining({ machine: expect.anything() }),
    ])
  })

  it('read the short and the long ssh form, and nothing else, as a target', () => {
    expect(sshTarget('root@10.250.0.11')).toBe('root@10.250.0.11')
    expect(sshTarget({ user: 'lab', host: 'm2.example', port: 2222 })).toBe('lab@m2.example')
    expect(sshTarget(undefined)).toBeUndefined()
    expect(sshTarget({ host: 'x' })).toBeUndefined()
  })
})
