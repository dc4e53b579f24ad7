// For a desktop user who is not root: the privileged helper, started once through pkexec, spoken
// to over JSON-RPC on its stdio. Its replies are checked against the contract like any input, and
// its errors keep their kind (core/calls.ts), so the renderer hears the same as from `serve`.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import {
  type ApiCall,
  type ApiRequest,
  api,
  ErrorKind,
  FILE_CALLS,
  ProblemReply,
} from '../../shared/api/contract.ts'
import { type EngineCalls, ServiceError } from '../core/service.ts'

const PKEXEC = '/usr/bin/pkexec'

/** The calls the helper answers: not the file calls, which run as the user (core/file-calls.ts). */
const ENGINE_CALLS = (Object.keys(api) as ApiCall[]).filter(
  (c) => !(FILE_CALLS as readonly string[]).includes(c),
)

/** Starts the helper through pkexec (the polkit action build/org.patchbay.helper.policy). */
export function helperCalls(helperArgv: readonly string[]): EngineCalls {
  let child: ChildProcess | null = null
  let nextId = 1
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const start = (): ChildProcess => {
    if (child) return child
    if (!existsSync(PKEXEC))
      throw new ServiceError(
        'capability',
        'applying needs root, and pkexec is not installed; run patchbay as root or install policykit-1',
      )
    const spawned = spawn(PKEXEC, [...helperArgv], { stdio: ['pipe', 'pipe', 'inherit'] })
    createInterface({ input: spawned.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as {
        id: number
        result?: unknown
        error?: { message: string; data?: { kind?: unknown; problems?: unknown } }
      }
      const pending = waiting.get(message.id)
      waiting.delete(message.id)
      if (message.error) pending?.reject(helperError(message.error))
      else pending?.resolve(message.result)
    })
    spawned.on('exit', (code) => {
      child = null
      // pkexec exits 126 when the user dismisses the dialog, 127 when not authorised.
      const why =
        code === 126 ? 'you cancelled the authentication' : `the privileged helper ended (exit ${code})`
      for (const p of waiting.values())
        p.reject(new ServiceError('capability', `applying needs root: ${why}`))
      waiting.clear()
    })
    child = spawned
    return spawned
  }
  const call = <C extends ApiCall>(method: C) =>
    ((params: ApiRequest<C>) =>
      new Promise<unknown>((resolve, reject) => {
        const id = nextId++
        // The helper's replies are checked like any other untrusted input.
        waiting.set(id, {
          resolve: (v) => {
            const reply = api[method].res.safeParse(v)
            if (reply.success) resolve(reply.data)
            else reject(new ServiceError('failed', `the helper's ${method} reply does not fit the contract`))
          },
          reject,
        })
        try {
          start().stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`)
        } catch (e) {
          waiting.delete(id)
          reject(e as Error)
        }
      })) as (request: ApiRequest<C>) => Promise<never>
  return Object.fromEntries(ENGINE_CALLS.map((c) => [c, call(c)])) as unknown as EngineCalls
}

/** The helper's error as the service's: its kind and problems when they are what they should be. */
function helperError(error: {
  message: string
  data?: { kind?: unknown; problems?: unknown }
}): ServiceError {
  const kind = ErrorKind.safeParse(error.data?.kind)
  const problems = ProblemReply.array().safeParse(error.data?.problems)
  return new ServiceError(
    kind.success ? kind.data : 'failed',
    String(error.message),
    problems.success ? problems.data : [],
  )
}
