import { fileURLToPath } from 'node:url'
import { helperMain } from './helper.ts'

void helperMain(fileURLToPath(import.meta.url))
