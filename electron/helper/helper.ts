// The privileged helper a normal user's desktop app starts through pkexec: JSON-RPC 2.0 over
// stdio, one request per line. It answers only the calls of shared/api/contract.ts, checks every
// request again against the contract (the app is not trusted more than the page), runs with a
// cleared environment and a fixed PATH, and exits when its parent closes stdin.
import { createInterface } from 'node:readline'
import type { ErrorKind } from '../../shared/api/contract.ts'
import { createEngine } from '../core/create-engine.ts'
import { engineService } from '../core/service.ts'

/** Only the system's own tool directories: pkexec's caller cannot slip its own `ip` in. */
export const HELPER_PATH = '/usr/sbin:/usr/bin:/sbin:/bin'

export interface RpcRequest {
  readonly jsonrpc: '2.0'
  readonly id: number | string
  readonly method: string
  readonly params?: unknown
}

/** The JSON-RPC error code of each kind of failed call. */
const CODE: Record<ErrorKind, number> = {
  invalid: -32602,
  'no-call': -32601,
  capability: -32000,
  failed: -32000,
}

const reply = (
  id: unknown,
  body: { result: unknown } | { error: { code: number; message: string; data?: unknown } },
) => `${JSON.stringify({ jsonrpc: '2.0', id: id ?? null, ...body })}\n`

export async function runHelper(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  const service = engineService(createEngine())
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
    if (message.jsonrpc !== '2.0') {
      output.write(reply(message.id, { error: { code: -32600, message: 'not a JSON-RPC 2.0 request' } }))
      continue
    }
    const outcome = await service.call(String(message.method ?? ''), message.params)
    if (outcome.ok) {
      output.write(reply(message.id, { result: outcome.reply }))
      continue
    }
    const { kind, error, problems } = outcome.failure
    // The kind travels, so the app's service answers the renderer as this one would.
    output.write(
      reply(message.id, {
        error: { code: CODE[kind], message: error, data: { kind, ...(problems ? { problems } : {}) } },
      }),
    )
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
