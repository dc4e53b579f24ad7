// Commands as a person reads them (plan, apply's progress): each argument shell-quoted, so the line
// says exactly which words run and can be pasted into a shell, and no control character from a lab
// value reaches the terminal (an ESC could clear the screen or rewrite what plan showed).
// shell-quote's quote() would also escape the ':' of MACs and the '@' of pipework VLAN slots, and
// passes control characters through; hence these few lines.

/** C0 controls, DEL and the C1 controls a terminal also obeys. */
const isControl = (c: string): boolean => {
  const code = c.charCodeAt(0)
  return code < 0x20 || (code >= 0x7f && code <= 0x9f)
}
const escapeControls = (text: string): string =>
  [...text].map((c) => (isControl(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('')
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/

/** One argument as a POSIX shell (with bash's $'…' for control characters) would need it. */
export function shellWord(word: string): string {
  if (PLAIN.test(word)) return word
  if ([...word].some(isControl)) return `$'${escapeControls(word.replace(/[\\']/g, (c) => `\\${c}`))}'`
  return `'${word.replace(/'/g, `'\\''`)}'`
}

export const shellLine = (argv: readonly string[]): string => argv.map(shellWord).join(' ')

/** Free text (a comment, a message) with its control characters shown as \xNN. */
export const printable = escapeControls
