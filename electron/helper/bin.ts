import { helperMain } from './helper.ts'

void helperMain()
