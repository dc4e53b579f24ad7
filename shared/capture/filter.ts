// A capture filter comes from outside (a command line, a page): it is checked word by word before
// it reaches tcpdump, and travels as separate argv words, never through a shell. What passes is the
// vocabulary of pcap-filter(7) written with words (`and`, `or`, `not`) and plain operands; shell
// syntax, and anything tcpdump could read as an option, is refused with the reason.

/** Longer filters are refused: a real one is a line, and tcpdump compiles it on every start. */
export const MAX_FILTER_LENGTH = 512

/** Letters, digits and the punctuation of addresses, ports, byte offsets and comparisons. */
const WORD = /^[A-Za-z0-9.:/_()[\]=!+*-]+$/

/** Characters a shell would act on, named in the message so the user sees which one was refused. */
const SHELL = /[;|&`$<>\\'"{}\n\r]/

export type FilterCheck = { ok: true; words: string[] } | { ok: false; message: string }

/** The words of a capture filter, or why it is refused. Empty or blank: no filter (no words). */
export function checkCaptureFilter(filter: string): FilterCheck {
  if (filter.length > MAX_FILTER_LENGTH)
    return { ok: false, message: `filter is ${filter.length} characters; at most ${MAX_FILTER_LENGTH}` }
  const shell = SHELL.exec(filter)
  if (shell)
    return {
      ok: false,
      message: `filter ${JSON.stringify(filter)} has ${JSON.stringify(shell[0])}: shell syntax is refused (write "and", "or" instead of "&&", "||")`,
    }
  const words = filter.split(/[ \t]+/).filter(Boolean)
  for (const word of words) {
    if (word.startsWith('-'))
      return {
        ok: false,
        message: `filter word ${JSON.stringify(word)} starts with "-", which tcpdump would read as an option`,
      }
    if (!WORD.test(word))
      return {
        ok: false,
        message: `filter word ${JSON.stringify(word)} has a character outside letters, digits and . : / _ ( ) [ ] = ! + * -`,
      }
  }
  return { ok: true, words }
}
