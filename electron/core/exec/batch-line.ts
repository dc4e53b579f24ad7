// The one place where argv words become lines of an `ip -batch` or `bridge -batch` script. Those
// tools split a line at blanks, read `#` as a comment, and honour quotes and backslashes, so a word
// holding any of them (or a newline, which starts the next command) would say more than its op
// did. Words come from the lab (validated) but also from the machine: interface names and aliases
// inside guests, namespace names from the state dir. Any such word is refused here, before a
// process starts, and the whole batch with it.
import type { OpExec } from '../../../shared/plan/op.ts'

/** Whitespace, quotes, `#`, `\` and control characters (C0, DEL, C1). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const UNSAFE = /[\s"'#\\\u0000-\u001f\u007f-\u009f]/

export class UnsafeBatchWord extends Error {
  constructor(
    readonly word: string,
    readonly words: readonly string[],
  ) {
    super(
      `refusing to run ${JSON.stringify(words.slice(0, 8).join(' ').slice(0, 120))}: the word ${JSON.stringify(word)} ${
        word === ''
          ? 'is empty'
          : word.startsWith('-')
            ? 'starts with -, which a tool would read as an option'
            : 'holds a blank, quote, #, backslash or control character'
      }, which the command would read as more than it says`,
    )
    this.name = 'UnsafeBatchWord'
  }
}

/** Why `word` cannot stand in a batch line, or null when it can. */
export function unsafeBatchWord(word: string): string | null {
  if (word === '') return 'is empty'
  return UNSAFE.test(word) ? 'holds a blank, quote, #, backslash or control character' : null
}

/** One command as one batch line; throws UnsafeBatchWord for a word that would not stay one word. */
export function batchLine(words: readonly string[]): string {
  for (const word of words) if (unsafeBatchWord(word) !== null) throw new UnsafeBatchWord(word, words)
  return words.join(' ')
}

/** A whole script, one command a line, ending with a newline. */
export const batchScript = (commands: readonly (readonly string[])[]): string =>
  `${commands.map(batchLine).join('\n')}\n`

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

/**
 * Refuses an op's commands before anything runs: batch lines by the rule above, and no word of
 * one may start with `-` (an op's line never holds an option; a name read back from the machine
 * that did could turn into one); argv words of processes (no shell reads them) when they hold a
 * control character.
 */
export function checkExecWords(exec: OpExec): void {
  switch (exec.tool) {
    case 'ip':
    case 'bridge':
      batchLine(exec.line)
      for (const word of exec.line) if (word.startsWith('-')) throw new UnsafeBatchWord(word, exec.line)
      return
    case 'ovs-vsctl':
      for (const word of exec.clause) if (CONTROL.test(word)) throw new UnsafeBatchWord(word, exec.clause)
      return
    case 'cmd':
      for (const word of exec.argv) if (CONTROL.test(word)) throw new UnsafeBatchWord(word, exec.argv)
      return
    case 'docker': {
      const words = [exec.call.name, ...(exec.call.kind === 'create' ? [exec.call.image] : [])]
      for (const word of words)
        if (unsafeBatchWord(word) !== null || word.startsWith('-')) throw new UnsafeBatchWord(word, words)
    }
  }
}
