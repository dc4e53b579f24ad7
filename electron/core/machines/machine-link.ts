// One machine of a lab, reached over ssh: the helper there (copied when absent or stale, checked by
// its sha256), told which host of the lab it is, then spoken to with the contract's calls as
// JSON-RPC lines. Its replies are checked against the contract like any input from outside.
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { type ApiCall, type ApiReply, type ApiRequest, api, ErrorKind } from '../../../shared/api/contract.ts'
import {
  MACHINE_HELLO,
  MACHINE_OBSERVED,
  MACHINE_WATCH,
  MachineFacts,
  MachineObserved,
  type MachineWatch,
} from '../../../shared/api/machine.ts'
import { Lab } from '../../../shared/lab/schema.ts'
import type { SshDestination } from '../../../shared/lab/ssh.ts'
import { ServiceError } from '../calls.ts'
import type { TunnelEnd } from '../observed-lab.ts'
import { CONTROL_DIR, HELPER_COMMAND, INSTALL_COMMAND, knownHostsOf, sshArgv } from './ssh-argv.ts'

export interface MachineLinkOptions {
  /** The helper bundle copied to machines (dist/electron/helper.mjs). */
  readonly bundle: string
  readonly controlDir?: string
}

interface Pending {
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

/** Whatever the answer of a machine, it is not trusted to be anything until parsed. */
type RpcLine = {
  id?: unknown
  method?: unknown
  params?: unknown
  result?: unknown
  error?: { message?: unknown; data?: { kind?: unknown } }
}

export class MachineLink {
  private child: ChildProcess | null = null
  private readonly waiting = new Map<number, Pending>()
  private nextId = 1
  private stderr = ''
  private exited: Promise<number | null> = Promise.resolve(null)
  facts: MachineFacts | null = null
  /** Hears the helper's notifications (JSON-RPC lines without id): its params are not checked yet. */
  onNotice: ((method: string, params: unknown) => void) | null = null
  private opening: Promise<MachineFacts> | null = null

  constructor(
    readonly machine: string,
    readonly dest: SshDestination,
    private readonly options: MachineLinkOptions,
  ) {}

  /** `machine m1 (root@10.250.0.11)`: how every message about this machine begins. */
  get label(): string {
    return `machine ${this.machine} (${this.dest.user}@${this.dest.host}${this.dest.port === 22 ? '' : `:${this.dest.port}`})`
  }

  /** Open and past its hello: calls can be sent. */
  get alive(): boolean {
    return this.child !== null && this.opening === null
  }

  /**
   * Connects, puts the current helper there if needed, and learns what the machine has. Callers
   * that come while it opens (the editor reads status while an apply plans) wait for the same
   * opening: two at once would both start a helper and copy it, and one would be cut off.
   */
  open(): Promise<MachineFacts> {
    this.opening ??= this.openNow().finally(() => {
      this.opening = null
    })
    return this.opening
  }

  private async openNow(): Promise<MachineFacts> {
    const bundle = await readFile(this.options.bundle).catch(() => {
      throw new ServiceError(
        'capability',
        `the machine helper ${this.options.bundle} is not built; run npm run build:electron`,
      )
    })
    const sha256 = createHash('sha256').update(bundle).digest('hex')
    let facts = await this.hello()
    if (facts?.sha256 !== sha256) {
      this.close()
      await this.install(bundle)
      facts = await this.hello()
      if (facts?.sha256 !== sha256)
        throw new ServiceError(
          'failed',
          `${this.label}: the helper just copied there does not answer (${this.stderr.trim().split('\n').slice(-2).join(' / ')})`,
        )
    }
    this.facts = facts
    return facts
  }

  /** Starts the helper and says hello; null when the helper there is absent or too old to answer. */
  private async hello(): Promise<MachineFacts | null> {
    this.start()
    try {
      return MachineFacts.parse(await this.send(MACHINE_HELLO, { machine: this.machine }))
    } catch {
      // It answered, but not the hello: a helper of another version, to be replaced.
      if (this.child) return null
      const code = await this.exited
      if (code === 127 || /node: (command )?not found/.test(this.stderr))
        throw new ServiceError('capability', `${this.label} has no Node.js: node is not on its root's PATH`)
      // ssh itself failed (255) or was killed; else node there ran and ended: the helper is absent,
      // not whole or of another version, and is copied again.
      if (code === 255 || code === null) throw this.unreachable(code)
      return null
    }
  }

  private async install(bundle: Buffer): Promise<void> {
    const argv = sshArgv(this.dest, INSTALL_COMMAND, this.controlDir())
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr!.on('data', (b: Buffer) => {
      stderr += b.toString()
    })
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve)
      child.on('error', () => resolve(null))
      child.stdin!.on('error', () => undefined)
      child.stdin!.end(bundle)
    })
    if (code !== 0) {
      this.stderr = stderr
      throw this.unreachable(code, 'copying its helper there')
    }
  }

  private controlDir(): string {
    const dir = this.options.controlDir ?? CONTROL_DIR
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    return dir
  }

  private start(): void {
    if (this.child) return
    const argv = sshArgv(this.dest, HELPER_COMMAND, this.controlDir())
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] })
    this.stderr = ''
    child.stderr!.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString()).slice(-4000)
    })
    child.stdin!.on('error', () => undefined)
    createInterface({ input: child.stdout! }).on('line', (line) => this.hear(line))
    this.exited = new Promise((resolve) => {
      child.on('error', () => resolve(null))
      child.on('exit', (code) => {
        if (this.child === child) this.child = null
        // Let the last lines of stderr arrive before anyone reads them.
        setImmediate(() => {
          const why = this.unreachable(code)
          for (const pending of this.waiting.values()) pending.reject(why)
          this.waiting.clear()
          resolve(code)
        })
      })
    })
    this.child = child
  }

  private hear(line: string): void {
    let message: RpcLine
    try {
      message = JSON.parse(line) as RpcLine
    } catch {
      return // not a reply: the helper answers in JSON lines only
    }
    if (message.id === undefined && typeof message.method === 'string') {
      this.onNotice?.(message.method, message.params)
      return
    }
    const pending = typeof message.id === 'number' ? this.waiting.get(message.id) : undefined
    if (!pending) return
    this.waiting.delete(message.id as number)
    if (message.error) {
      const kind = ErrorKind.safeParse(message.error.data?.kind)
      pending.reject(
        new ServiceError(
          kind.success ? kind.data : 'failed',
          `${this.label}: ${String(message.error.message)}`,
        ),
      )
    } else pending.resolve(message.result)
  }

  private send(method: string, params: unknown): Promise<unknown> {
    const child = this.child
    if (!child) return Promise.reject(this.unreachable(null))
    return new Promise((resolve, reject) => {
      const id = this.nextId++
      this.waiting.set(id, { resolve, reject })
      child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`)
    })
  }

  /** One of the contract's calls, answered by this machine's engine; the reply checked. */
  async call<C extends ApiCall>(method: C, params: ApiRequest<C>): Promise<ApiReply<C>> {
    if (!this.alive) await this.open()
    const reply = api[method].res.safeParse(await this.send(method, params))
    if (!reply.success)
      throw new ServiceError('failed', `${this.label}: its ${method} reply does not fit the contract`)
    return reply.data as ApiReply<C>
  }

  /** The lab's part as the machine has it, as a lab, and the tunnel ends it holds; both checked. */
  async observed(lab: Lab): Promise<{ lab: Lab; tunnels: TunnelEnd[] }> {
    if (!this.child) await this.open()
    const reply = MachineObserved.safeParse(await this.send(MACHINE_OBSERVED, { lab }))
    const part = reply.success ? Lab.safeParse(reply.data.lab) : null
    if (!reply.success || !part?.success)
      throw new ServiceError('failed', `${this.label}: its observed lab does not fit the lab schema`)
    return { lab: part.data, tunnels: reply.data.tunnels }
  }

  /**
   * Watches the lab's part on the machine over this link, which then carries nothing else: `heard`
   * gets every notification (unchecked: the caller checks them), and the promise settles once the
   * machine's first state of every link went out. `ended` says why the channel ended.
   */
  async watch(
    params: MachineWatch,
    heard: (method: string, params: unknown) => void,
  ): Promise<{ ended: Promise<ServiceError> }> {
    if (!this.alive) await this.open()
    this.onNotice = heard
    const ended = this.exited.then((code) => this.unreachable(code, 'watching'))
    await this.send(MACHINE_WATCH, params)
    return { ended }
  }

  /**
   * Ends the helper there and this ssh session now: stdin closes (the helper stops its monitors and
   * exits), and the session is killed if it has not ended after `graceMs`. Settles when it ended.
   */
  async end(graceMs = 2000): Promise<void> {
    const child = this.child
    this.onNotice = null
    if (!child) return
    const exited = this.exited
    this.close()
    const timer = setTimeout(() => child.kill('SIGTERM'), graceMs)
    await exited
    clearTimeout(timer)
  }

  /** Why the machine cannot be used, from what ssh said. */
  private unreachable(code: number | null, doing = 'talking to its helper'): ServiceError {
    const said = this.stderr.trim().split('\n').slice(-3).join(' / ')
    if (
      /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No \w+ host key is known/.test(
        this.stderr,
      )
    )
      return new ServiceError(
        'capability',
        `${this.label}: its host key is not the one in ${knownHostsOf(this.dest)}; refused (ssh: ${said})`,
      )
    return new ServiceError(
      'capability',
      `${this.label} is unreachable while ${doing} (ssh exit ${code ?? 'signal'}${said ? `: ${said}` : ''})`,
    )
  }

  /** Ends the helper there (its stdin closes); the multiplexed master ends on its own later. */
  close(): void {
    const child = this.child
    this.child = null
    child?.stdin?.end()
  }
}
