/** The names of the contract's calls, without zod: the sandboxed preload needs only these. */
export const API_CALLS = [
  'validateLab',
  'domains',
  'planLab',
  'applyPlan',
  'destroyLab',
  'statusLab',
  'verifyLab',
  'traceLab',
  'bridgeTables',
  'discoverMachine',
  'adoptLab',
  'hostInterfaces',
  'labFiles',
  'chooseLabFile',
  'openLab',
  'saveLab',
] as const
