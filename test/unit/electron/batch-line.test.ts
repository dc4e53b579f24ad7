// The batch writer is the one choke point between argv words and `ip -batch` lines.
import { describe, expect, it } from 'vitest'
import {
  batchLine,
  batchScript,
  checkExecWords,
  UnsafeBatchWord,
} from '../../../electron/core/exec/batch-line.ts'

describe('batchLine', () => {
  it.each([
    ['a blank', 'eth 1'],
    ['a tab', 'eth\t1'],
    ['a newline: a second command', 'x\nnetns add pwn'],
    ['a carriage return', 'x\rnetns'],
    ['a comment sign', 'x#y'],
    ['a double quote', 'a"b'],
    ['a single quote', "a'b"],
    ['a backslash', 'a\\nb'],
    ['a NUL', 'a\u0000b'],
    ['an escape (terminal)', 'a\u001b[2Jb'],
    ['DEL', 'a\u007f'],
    ['a C1 control', 'a\u0085b'],
    ['a non-breaking space', 'a\u00a0b'],
    ['a line separator', 'a\u2028b'],
    ['nothing at all', ''],
  ])('refuses a word with %s', (_what, word) => {
    expect(() => batchLine(['link', 'set', word, 'up'])).toThrow(UnsafeBatchWord)
  })

  it('names the word it refused', () => {
    expect(() => batchLine(['link', 'del', 'x\nnetns add pwn'])).toThrow(/"x\\nnetns add pwn"/)
  })

  it.each([
    ['link', 'add', 'vb1', 'type', 'veth', 'peer', 'name', 'eth1', 'netns', '1234'],
    ['addr', 'add', '10.0.0.1/24', 'dev', 'eth1'],
    ['addr', 'add', 'fd00::1/64', 'dev', 'eth1', 'nodad'],
    ['link', 'set', 'eth1', 'alias', 'patchbay:lab:link:test1:eth1'],
    ['link', 'set', 'eth1', 'address', '02:42:ac:11:00:02'],
    ['netns', 'exec', '.patchbay-12-3', 'ip', '-batch', '/tmp/patchbay-ns-x/0.batch'],
    ['link', 'set', 'x', 'netns', '{pid:lab.c1}'],
  ])('keeps the words of an ordinary command: %s …', (...words) => {
    expect(batchLine(words)).toBe(words.join(' '))
  })

  it('writes one command a line', () => {
    expect(
      batchScript([
        ['link', 'show'],
        ['addr', 'show'],
      ]),
    ).toBe('link show\naddr show\n')
  })
})

describe('checkExecWords', () => {
  it('refuses a word of an ip or bridge line that a tool would read as an option', () => {
    expect(() =>
      checkExecWords({ tool: 'ip', target: { kind: 'host' }, line: ['link', 'del', '-netns'] }),
    ).toThrow(/starts with -/)
    expect(() => checkExecWords({ tool: 'bridge', line: ['vlan', 'del', '--batch'] })).toThrow(
      UnsafeBatchWord,
    )
  })
  it('refuses control characters in an ovs-vsctl clause', () => {
    expect(() => checkExecWords({ tool: 'ovs-vsctl', clause: ['del-port', 'ovs0', 'a\u0000b'] })).toThrow(
      UnsafeBatchWord,
    )
  })
  it('refuses control characters in a command of its own', () => {
    expect(() => checkExecWords({ tool: 'cmd', argv: ['ip', 'netns', 'del', 'a\nb'] })).toThrow(
      UnsafeBatchWord,
    )
  })
  it('refuses a Docker name that is not one word', () => {
    expect(() => checkExecWords({ tool: 'docker', call: { kind: 'remove', name: 'a b' } })).toThrow(
      UnsafeBatchWord,
    )
  })
  it('lets ordinary ops through', () => {
    expect(() =>
      checkExecWords({ tool: 'ip', target: { kind: 'host' }, line: ['link', 'del', 'test1-eth1'] }),
    ).not.toThrow()
    expect(() =>
      checkExecWords({ tool: 'ovs-vsctl', clause: ['--if-exists', 'del-port', 'ovs0', 'test1-eth1'] }),
    ).not.toThrow()
  })
})
