// A long-lived assessor: the background service worker and the CLI hold one. Concurrent
// requests for one domain share one promise; answers are reused until their `expiresAt`.
import { assessDomain, sharingResolver, type AssessDeps } from './assess.ts';
import { normalizeDomain } from './address.ts';
import type { Assessment } from './types.ts';

export interface AssessorOptions {
  /** Most domains kept; the oldest insertion is evicted first. */
  maxEntries?: number;
}

export interface Assessor {
  /** The assessment of a domain: from the cache while fresh, else checked (once at a time). */
  assess(domain: string, options?: { fresh?: boolean }): Promise<Assessment>;
  /** Forget cached answers (all, or those of the given domains). */
  forget(domains?: string[]): void;
  /** A cached answer that is still fresh, without checking anything. */
  peek(domain: string): Assessment | undefined;
}

export function createAssessor(deps: AssessDeps, options: AssessorOptions = {}): Assessor {
  const maxEntries = options.maxEntries ?? 500;
  const now = deps.now ?? Date.now;
  const shared: AssessDeps = { ...deps, resolver: sharingResolver(deps.resolver) };
  const cache = new Map<string, Assessment>();
  const inFlight = new Map<string, Promise<Assessment>>();
  const key = (domain: string) => {
    const n = normalizeDomain(domain);
    return n.ok ? n.domain : domain;
  };

  const peek = (domain: string) => {
    const hit = cache.get(key(domain));
    return hit && hit.expiresAt > now() ? hit : undefined;
  };

  return {
    peek,
    forget(domains) {
      if (!domains) cache.clear();
      else for (const d of domains) cache.delete(key(d));
    },
    assess(domain, { fresh = false } = {}) {
      const k = key(domain);
      if (!fresh) {
        const hit = peek(k);
        if (hit) return Promise.resolve(hit);
      }
      const pending = inFlight.get(k);
      if (pending) return pending;
      const job = assessDomain(domain, shared)
        .then((assessment) => {
          cache.delete(k);
          cache.set(k, assessment);
          while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
          return assessment;
        })
        .finally(() => inFlight.delete(k));
      inFlight.set(k, job);
      return job;
    },
  };
}
