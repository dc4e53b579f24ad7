// Printed commands are shell-quoted and carry no control character: bash, given the printed line,
// runs exactly the words of the argv, and the line itself holds nothing a terminal would obey.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { printable, shellLine, shellWord } from '../../../shared/plan/shell-words.ts'

const words: [string, string][] = [
  ['a plain word stays bare', 'eth1'],
  ['a MAC keeps its colons', '02:42:ac:11:00:02'],
  ['a pipework VLAN slot keeps its @', '@100'],
  ['a space', 'echo hi'],
  ['a quote', "it's"],
  ['command substitution', '$(reboot)'],
  ['a backtick', '`id`'],
  ['a glob', '*'],
  ['a semicolon', 'a;reboot'],
  ['the empty word', ''],
  ['an ESC that clears the screen', 'echo \x1b[2J'],
  ['a carriage return that rewrites the line', 'safe\rrm -rf /'],
  ['a C1 control (CSI)', 'x\u009b2J'],
  ['a backslash and a quote next to a control', "a\\'\x07"],
]

describe('shell words for people', () => {
  it.each(words)('%s: bash reads back the same word, and no control character is printed', (_what, word) => {
    const line = shellLine(['printf', '%s\\0', word])
    expect(
      [...line].every((c) => c.charCodeAt(0) >= 0x20 && (c.charCodeAt(0) < 0x7f || c.charCodeAt(0) > 0x9f)),
    ).toBe(true)
    const echoed = execFileSync('bash', ['-c', line]).toString('latin1')
    expect(echoed).toBe(`${Buffer.from(word, 'latin1').toString('latin1')}\0`)
  })

  it('prints an ESC as \\x1b, in a word and in free text', () => {
    expect(shellWord('echo \x1b[2J')).toBe("$'echo \\x1b[2J'")
    expect(printable('container c from \x1b[2Jx')).toBe('container c from \\x1b[2Jx')
  })
})
