// Captures and shells the page opens on serve's WebSocket (shared/api/contract.ts SessionRequest).
// The socket is already authenticated (token, Host, Origin: guard.ts); the service says whether this
// process may run them at all (the engine runs here: where applying is allowed). Everything a
// socket opened ends when it closes: a page that goes away leaves no tcpdump and no shell behind.
import type { SessionEvent, SessionRequest } from '../../shared/api/contract.ts'
import { failureOf, type Service } from '../core/service.ts'

/** More at once on one socket is refused: each is a process on the machine. */
export const MAX_SESSIONS_PER_SOCKET = 8

interface Running {
  readonly kind: 'capture' | 'shell'
  stop(): void
  write?(data: string): void
  resize?(cols: number, rows: number): void
}

export class SocketSessions {
  private readonly running = new Map<string, Running>()
  private closed = false

  constructor(
    private readonly service: Service,
    private readonly send: (event: SessionEvent) => void,
  ) {}

  async handle(request: SessionRequest): Promise<void> {
    const session = request.session
    const now = this.running.get(session)
    switch (request.type) {
      case 'capture-stop':
      case 'shell-close':
        now?.stop()
        return
      case 'shell-input':
        now?.write?.(request.data)
        return
      case 'shell-resize':
        try {
          now?.resize?.(request.cols, request.rows)
        } catch (e) {
          this.send({ type: 'error', error: failureOf(e).error })
        }
        return
    }
    if (now || this.running.size >= MAX_SESSIONS_PER_SOCKET) {
      const error = now
        ? `session ${session} is already open`
        : `at most ${MAX_SESSIONS_PER_SOCKET} sessions at once`
      this.send(
        request.type === 'capture-start'
          ? { type: 'capture-end', session, message: '', error }
          : { type: 'shell-exit', session, exitCode: null, error },
      )
      return
    }
    if (request.type === 'capture-start') await this.startCapture(request)
    else await this.openShell(request)
  }

  private async startCapture(request: Extract<SessionRequest, { type: 'capture-start' }>): Promise<void> {
    const { session } = request
    // Held while starting, so a stop or a second start meanwhile finds it.
    let stopped = false
    this.running.set(session, { kind: 'capture', stop: () => (stopped = true) })
    try {
      const capture = await this.service.capture(request.lab, request.link, {
        ...(request.filter !== undefined ? { filter: request.filter } : {}),
        ...(request.count !== undefined ? { count: request.count } : {}),
      })
      this.running.set(session, { kind: 'capture', stop: () => capture.stop() })
      if (stopped || this.closed) capture.stop()
      capture.pcap.on('data', (chunk: Buffer) =>
        this.send({ type: 'capture', session, data: chunk.toString('base64') }),
      )
      const end = await capture.ended
      const failed = end.exitCode !== null && end.exitCode !== 0
      this.send({
        type: 'capture-end',
        session,
        message: end.message,
        ...(failed ? { error: `tcpdump ended with ${end.exitCode}: ${end.message}` } : {}),
      })
    } catch (e) {
      this.send({ type: 'capture-end', session, message: '', error: failureOf(e).error })
    } finally {
      this.running.delete(session)
    }
  }

  private async openShell(request: Extract<SessionRequest, { type: 'shell-open' }>): Promise<void> {
    const { session } = request
    let stopped = false
    // Typing that arrives while the shell starts is kept for it, in order.
    const early: string[] = []
    let size = { cols: request.cols, rows: request.rows }
    this.running.set(session, {
      kind: 'shell',
      stop: () => (stopped = true),
      write: (data) => early.push(data),
      resize: (cols, rows) => (size = { cols, rows }),
    })
    try {
      const shell = await this.service.shell(request.lab, request.node, size)
      this.running.set(session, {
        kind: 'shell',
        stop: () => shell.close(),
        write: (data) => shell.write(data),
        resize: (cols, rows) => shell.resize({ cols, rows }),
      })
      if (stopped || this.closed) shell.close()
      if (size.cols !== request.cols || size.rows !== request.rows) shell.resize(size)
      for (const data of early) shell.write(data)
      shell.onData((data) => this.send({ type: 'shell', session, data }))
      const end = await shell.exited
      this.send({ type: 'shell-exit', session, exitCode: end.exitCode })
    } catch (e) {
      this.send({ type: 'shell-exit', session, exitCode: null, error: failureOf(e).error })
    } finally {
      this.running.delete(session)
    }
  }

  /** The socket closed: everything it opened ends. */
  close(): void {
    this.closed = true
    for (const running of this.running.values()) running.stop()
  }
}
