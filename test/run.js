#!/usr/bin/env node
// Runs every test suite with vitest and closes with one plain line, "N passed, N failed, N skipped".
// With PATCHBAY_REQUIRE_INTEGRATION=1 (CI, `npm run test:lab`) a skipped integration test is a failure.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const dir = mkdtempSync(join(tmpdir(), 'patchbay-test-'))
const report = join(dir, 'report.json')
const vitest = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
)

let summary
try {
  summary = JSON.parse(readFileSync(report, 'utf8'))
} catch {
  console.error('test/run.js: vitest wrote no report')
  process.exit(vitest.status || 1)
} finally {
  rmSync(dir, { recursive: true, force: true })
}

const skipped = summary.numPendingTests + summary.numTodoTests
const skippedIntegration = summary.testResults
  .filter((file) => file.name.includes('/test/integration/') || file.name.includes('/test/e2e/'))
  .flatMap((file) => file.assertionResults.filter((t) => t.status !== 'passed' && t.status !== 'failed'))
let failed = summary.numFailedTests
if (process.env.PATCHBAY_REQUIRE_INTEGRATION === '1' && skippedIntegration.length > 0) {
  console.error(`integration tests were required but ${skippedIntegration.length} did not run:`)
  for (const t of skippedIntegration) console.error(`  ${t.fullName}`)
  failed += skippedIntegration.length
}
if (summary.numTotalTests === 0) {
  console.error('no test ran')
  failed += 1
}
console.log(`\ntests: ${summary.numPassedTests} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || vitest.status !== 0 ? 1 : 0)
