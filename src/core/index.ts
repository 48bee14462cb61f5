// The public API of the assessment engine. The extension, the CLI and outside checks call these
// names; everything else in src/core is internal.
export { assessDomain, assessAddresses, sharingResolver, type AssessDeps } from './assess.ts';
export { notCheckedAssessment } from './verdict.ts';
export { LEVEL_ORDER, levelRank, worstLevel, isAtOrBelow } from './levels.ts';

export { parseMtaStsRecords } from './mta-sts/record.ts';
export { parseMtaStsPolicy } from './mta-sts/policy.ts';
export { mxMatchesPattern, policyMatches } from './mta-sts/match.ts';
export { fetchMtaStsPolicy, mtaStsPolicyUrl } from './mta-sts/fetch.ts';
export { createMemoryPolicyCache, type PolicyCache, type CachedPolicy } from './mta-sts/cache.ts';
export { parseTlsRptRecords } from './tls-rpt/record.ts';

export { createDohResolver, createCachingResolver, classify, type DohResolverOptions, type CachingResolver } from './dns/index.ts';
export { normalizeDomain, parseRecipient, domainOfAddressOrDomain } from './address.ts';
export { readAtMost } from './read-body.ts';
export { providerForHost, providerForHosts, SENDERS, type SenderId, type ProviderInfo } from './providers/index.ts';

export type * from './types.ts';
