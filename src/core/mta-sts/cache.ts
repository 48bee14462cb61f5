// The sender-side policy cache of RFC 8461 s3.3 and s5.1: keyed by policy domain, holding the
// record id the policy was fetched under, and valid until fetch time + max_age (RFC 8461 s3.2). The
// extension persists it elsewhere through the same interface.
import type { MtaStsPolicy } from '../types.ts';

export interface CachedPolicy {
  /** The `_mta-sts` record id the policy was fetched under (compared for exact equality, RFC 8461 s3.1). */
  id: string;
  policy: MtaStsPolicy;
  /** Epoch milliseconds of the successful fetch. */
  fetchedAt: number;
  /** Epoch milliseconds: fetchedAt + max_age seconds. */
  expiresAt: number;
}

export interface PolicyCache {
  get(domain: string): Promise<CachedPolicy | undefined>;
  set(domain: string, entry: CachedPolicy): Promise<void>;
  delete(domain: string): Promise<void>;
}

/** Whether a cached policy still applies at `now` (RFC 8461 s3.2 max_age, s5.1 step 1). */
export function isCacheEntryLive(entry: CachedPolicy, now: number): boolean {
  return now < entry.expiresAt;
}

export const DEFAULT_MEMORY_CACHE_ENTRIES = 1000;

/** An in-memory cache with a bound on entries (the oldest insertion is evicted first). */
export function createMemoryPolicyCache(maxEntries = DEFAULT_MEMORY_CACHE_ENTRIES): PolicyCache {
  const entries = new Map<string, CachedPolicy>();
  const copy = (entry: CachedPolicy): CachedPolicy => ({ ...entry, policy: { ...entry.policy, mx: [...entry.policy.mx] } });
  return {
    get(domain) {
      const entry = entries.get(domain);
      return Promise.resolve(entry && copy(entry));
    },
    set(domain, entry) {
      entries.delete(domain);
      entries.set(domain, copy(entry));
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return Promise.resolve();
    },
    delete(domain) {
      entries.delete(domain);
      return Promise.resolve();
    },
  };
}
