// The privileged helper a normal user's desktop app starts through pkexec: JSON-RPC 2.0 over
// stdio, one request per line. It answers only the calls of shared/api/contract.ts, checks every
// request again against the contract (the app is not trusted more than the page), runs with a
// cleared environment and a fixed PATH, and exits when its parent closes stdin.
import { createInterface } from 'node:readline'
import { type ApiCall, api } from '../../shared/api/contract.ts'
import { createEngine } from '../core/create-engine.ts'
import { apiHandlers, BadRequest, parseRequest } from '../serve/api-handlers.ts'

/** Only the system's own tool directories: pkexec's caller cannot slip its own `ip` in. */
export const HELPER_PATH = '/usr/sbin:/usr/bin:/sbin:/bin'

export interface RpcRequest {
  readonly jsonrpc: '2.0'
  readonly id: number | string
  readonly method: string
  readonly params?: unknown
}

const reply = (
  id: unknown,
  body: { result: unknown } | { error: { code: number; message: string; data?: unknown } },
) => `${JSON.stringify({ jsonrpc: '2.0', id: id ?? null, ...body })}\n`

export async function runHelper(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  const handlers = apiHandlers(createEngine())
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
  for await (const line of lines) {
    if (!line.trim()) continue
    let message: Partial<RpcRequest>
    try {
      message = JSON.parse(line) as Partial<RpcRequest>
    } catch {
      output.write(reply(null, { error: { code: -32700, message: 'not JSON' } }))
      continue
    }
    const method = String(message.method ?? '')
    if (message.jsonrpc !== '2.0' || !(method in api)) {
      output.write(
        reply(message.id, {
          error: {
            code: -32601,
            message: `no method ${JSON.stringify(method)}: the helper answers only ${Object.keys(api).join(', ')}`,
          },
        }),
      )
      continue
    }
    try {
      const request = parseRequest(method as ApiCall, message.params)
      const result = await (handlers[method as ApiCall] as (r: unknown) => Promise<unknown>)(request)
      output.write(reply(message.id, { result }))
    } catch (e) {
      const problems = e instanceof BadRequest ? e.problems : undefined
      output.write(
        reply(message.id, {
          error: {
            code: e instanceof BadRequest ? -32602 : -32000,
            message: (e as Error).message,
            ...(problems ? { data: problems } : {}),
          },
        }),
      )
    }
  }
}

/** As a program (`patchbay-helper`): the environment is cleared but for what the engine reads. */
export async function helperMain(): Promise<void> {
  const keep = { PATCHBAY_STATE_DIR: process.env.PATCHBAY_STATE_DIR ?? '/var/lib/patchbay' }
  for (const key of Object.keys(process.env)) delete process.env[key]
  Object.assign(process.env, keep, { PATH: HELPER_PATH, LANG: 'C.UTF-8' })
  await runHelper(process.stdin, process.stdout)
  process.exit(0)
}
