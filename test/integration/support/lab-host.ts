// What integration tests need from the machine, and a unique prefix for what they create.
import { randomBytes } from 'node:crypto'
import { execa } from 'execa'

/** Set by `npm run test:lab` and CI: a missing tool is then a failure, never a skip. */
export const integrationRequired = process.env.PATCHBAY_REQUIRE_INTEGRATION === '1'

async function has(argv: string[]): Promise<boolean> {
  if (argv[0] === 'root') return process.getuid?.() === 0
  const [file, ...args] = argv
  const result = await execa(file!, args, { reject: false, stdin: 'ignore', timeout: 10_000 })
  return result.exitCode === 0
}

/** The real pipework script (build/lab-host.sh fetches it, pinned), or the copy PIPEWORK names. */
export const PIPEWORK_SCRIPT = process.env.PIPEWORK || '/usr/local/share/pipework/pipework'

const requirements: Record<string, string[]> = {
  root: ['root'],
  iproute2: ['ip', '-V'],
  ovs: ['ovs-vsctl', '--timeout=5', 'show'],
  docker: ['docker', 'info'],
  chromium: ['/usr/bin/chromium', '--version'],
  sshd: ['test', '-x', '/usr/sbin/sshd'],
  pipework: ['test', '-x', PIPEWORK_SCRIPT],
}

/**
 * Why these integration tests cannot run here, or null when they can. When integration is required
 * the reason is thrown instead, so CI fails rather than passing on skipped tests.
 */
export async function missingLabHost(needs: (keyof typeof requirements)[]): Promise<string | null> {
  for (const need of ['root', ...needs]) {
    if (!(await has(requirements[need]!))) {
      const reason = `integration tests need ${need} (run \`sudo npm run test:lab\`, which provisions the lab host)`
      if (integrationRequired) throw new Error(`PATCHBAY_REQUIRE_INTEGRATION=1 but ${reason}`)
      console.warn(`skipping integration tests: ${reason}`)
      return reason
    }
  }
  return null
}

/** A short unique prefix (`pbt` + 4 hex) that keeps names within 15 bytes and apart from the user's. */
export const testPrefix = (): string => `pbt${randomBytes(2).toString('hex')}`
