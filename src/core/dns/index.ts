// The DNS layer of the engine: a DoH (RFC 8484) resolver with failover, a TTL cache, and the
// classification verdict logic uses.
export { createDohResolver, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_IN_FLIGHT, MAX_CNAME_HOPS } from './doh.ts';
export type { DohResolverOptions } from './doh.ts';
export { createCachingResolver } from './cache.ts';
export type { CachingResolver, CachingResolverOptions } from './cache.ts';
export { classify } from './classify.ts';
export { encodeQuery, base64url } from './wire.ts';
export { normalizeName } from './names.ts';
