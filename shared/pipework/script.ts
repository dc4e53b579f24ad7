// Reading a shell script of pipework lines without running it: words are split as a shell would,
// and anything that would make a shell do more than run pipework (;, &&, |, $(…), $VAR, >, globs)
// is reported with its line instead.
import { parse } from 'shell-quote'

export interface ScriptLine {
  readonly line: number
  /** The arguments after the word `pipework`. */
  readonly argv: readonly string[]
}

export interface ScriptProblem {
  readonly line: number
  readonly message: string
}

const PIPEWORK = /(^|\/)pipework$/

export function readPipeworkScript(text: string): { lines: ScriptLine[]; problems: ScriptProblem[] } {
  const lines: ScriptLine[] = []
  const problems: ScriptProblem[] = []
  const physical = text.split(/\r?\n/)
  for (let i = 0; i < physical.length; i++) {
    const start = i + 1
    let logical = physical[i]!
    // A trailing backslash continues the command: the shell drops backslash and newline and adds
    // nothing, so `10.0.0.\<newline>1/24` is one word.
    while (logical.endsWith('\\')) {
      logical = logical.slice(0, -1)
      if (i + 1 < physical.length) logical += physical[++i]
      else break
    }
    if (logical.trim() === '' || logical.trimStart().startsWith('#')) continue
    const words = parse(logical, (name) => ({ variable: name }) as never)
    const bad = words.find((w): w is Exclude<typeof w, string> => typeof w !== 'string' && !('comment' in w))
    // shell-quote leaves backticks in the word; a shell would run them. No pipework field allows one.
    const backtick = words.find((w) => typeof w === 'string' && w.includes('`'))
    const message = bad
      ? describe(bad)
      : backtick !== undefined
        ? `command substitution \`…\` is not run: ${JSON.stringify(backtick)}`
        : midWordHash(logical, words)
    if (message) {
      problems.push({ line: start, message })
      continue
    }
    const argv = words.filter((w): w is string => typeof w === 'string')
    if (argv[0] === 'sudo') argv.shift()
    if (argv.length === 0) continue
    if (!PIPEWORK.test(argv[0]!)) {
      problems.push({
        line: start,
        message: `${JSON.stringify(argv[0])} is not pipework; only pipework lines can be imported`,
      })
      continue
    }
    lines.push({ line: start, argv: argv.slice(1) })
  }
  return { lines, problems }
}

/**
 * shell-quote starts a comment at any `#`, a shell only at the start of a word: `U:a#b` is one word
 * to sh but would silently become `U:a` here, a different MAC. Such a line is refused instead.
 */
function midWordHash(logical: string, words: readonly unknown[]): string | null {
  const comment = words.find(
    (w): w is { comment: string } => typeof w === 'object' && w !== null && 'comment' in w,
  )
  if (!comment) return null
  const at = logical.length - comment.comment.length - 1
  if (at <= 0 || /\s/.test(logical[at - 1]!)) return null
  const word = `${logical.slice(0, at).split(/\s/).pop()}${logical.slice(at).split(/\s/)[0]}`
  return `"#" inside a word (${JSON.stringify(word)}) is not a comment to a shell; quote that word`
}

/** The brief's shape: the pipework lines when every line is one, else the problems. */
export function tokenizeScript(text: string): ScriptLine[] | { problems: ScriptProblem[] } {
  const { lines, problems } = readPipeworkScript(text)
  return problems.length === 0 ? lines : { problems }
}

function describe(word: object): string {
  if ('variable' in word) {
    const name = String((word as { variable: string }).variable)
    return name === '' ? 'command substitution $(…) is not run' : `variables are not expanded: $${name}`
  }
  if ('op' in word) {
    const op = String((word as { op: string }).op)
    if (op === 'glob') return `globs are not expanded: ${String((word as { pattern?: string }).pattern)}`
    return `shell operator ${JSON.stringify(op)}: one pipework command per line, nothing else`
  }
  return 'not a plain word'
}
