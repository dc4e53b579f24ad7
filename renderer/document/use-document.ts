import { demoLab } from './demo-lab.ts'
import { createDocumentStore } from './store.ts'

/** The editor's one document, opened on the seeds' single-host VLAN lab. */
export const useDocument = createDocumentStore(demoLab)
