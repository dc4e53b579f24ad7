#!/usr/bin/env node
// The `patchbay` command. tsx compiles the TypeScript sources on load, so `npx patchbay` works right
// after `npm ci` with no build step.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../electron/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
