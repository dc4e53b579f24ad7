export { type BroadcastDomain, broadcastDomains, type DomainAnalysis, type DomainMember } from './domains.ts'
export { type ExpectedPair, expectedPairs } from './reachability.ts'
