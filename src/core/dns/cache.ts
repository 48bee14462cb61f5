// A TTL cache in front of a Resolver. Concurrent identical queries share one in-flight promise
// (no duplicate queries), answers live for their TTL, SERVFAIL briefly, and timeouts
// or errors not at all.
import type { DnsResult, Resolver, RRType } from '../types.ts';
import { canonicalWireName } from './names.ts';

export interface CachingResolverOptions {
  /** Clock in epoch milliseconds (tests inject one). Default Date.now. */
  now?: () => number;
  /** Entries kept; the least recently used go first. Default 2000. */
  maxEntries?: number;
  /** Seconds: shorter TTLs are raised to this. Default 0. */
  minTtl?: number;
  /** Seconds: longer TTLs are lowered to this. Default 86400. */
  maxTtl?: number;
}

export type CachingResolver = Resolver & { clear(): void; size(): number };

export const DEFAULT_MAX_ENTRIES = 2000;
export const DEFAULT_MAX_TTL = 86_400;
/** SERVFAIL is kept at most this long (RFC 2308 s7.1 allows five minutes; zones get fixed). */
export const MAX_SERVFAIL_TTL = 30;

interface Entry {
  result: DnsResult;
  expiresAt: number;
}

interface Shared {
  promise: Promise<DnsResult>;
  /** Null when the caller that started the query has no signal: it waits to the end anyway. */
  controller: AbortController | null;
  /** Callers still waiting that can abort; the inner query is aborted when the last one does. */
  abortable: number;
  /** Callers waiting without a signal: the inner query must then run to its end. */
  committed: boolean;
}

function abortedResult<T extends RRType>(name: string, type: T): DnsResult<T> {
  return { name, type, outcome: 'error', secure: false, records: [], ttl: 0, cnames: [], error: 'The query was aborted.' };
}

export function createCachingResolver(inner: Resolver, options: CachingResolverOptions = {}): CachingResolver {
  const now = options.now ?? Date.now;
  const maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  const minTtl = Math.max(0, options.minTtl ?? 0);
  const maxTtl = Math.max(minTtl, options.maxTtl ?? DEFAULT_MAX_TTL);
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Shared>();
  let generation = 0;

  function cacheTtl(result: DnsResult): number {
    switch (result.outcome) {
      case 'timeout':
      case 'error':
        return 0;
      case 'servfail':
        return Math.min(Math.max(0, result.ttl), MAX_SERVFAIL_TTL);
      default:
        return Math.min(Math.max(result.ttl, minTtl), maxTtl);
    }
  }

  function store(key: string, result: DnsResult, startedIn: number): DnsResult {
    const ttl = cacheTtl(result);
    const adjusted = result.outcome === 'timeout' || result.outcome === 'error' ? result : { ...result, ttl };
    if (ttl > 0 && startedIn === generation) {
      entries.delete(key);
      entries.set(key, { result: adjusted, expiresAt: now() + ttl * 1000 });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    }
    return adjusted;
  }

  function lookupFresh(key: string): DnsResult | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    const remainingMs = entry.expiresAt - now();
    if (remainingMs <= 0) {
      entries.delete(key);
      return undefined;
    }
    // Most recently used moves to the end of the Map's order.
    entries.delete(key);
    entries.set(key, entry);
    return { ...entry.result, ttl: Math.max(0, Math.floor(remainingMs / 1000)) };
  }

  function share(key: string, name: string, type: RRType, abortable: boolean): Shared {
    const existing = inFlight.get(key);
    if (existing) return existing;
    // A query started for a caller without a signal is committed to its end (wait()), so it
    // gets no controller: an AbortController and its signal's listeners per query cost the
    // lookup service measurable CPU (npm run bench -- service).
    const controller = abortable ? new AbortController() : null;
    const startedIn = generation;
    const shared: Shared = {
      controller,
      abortable: 0,
      committed: false,
      promise: inner
        .query(name, type, controller?.signal)
        .then((result) => store(key, result, startedIn))
        .finally(() => {
          if (inFlight.get(key) === shared) inFlight.delete(key);
        }),
    };
    inFlight.set(key, shared);
    return shared;
  }

  function wait<T extends RRType>(key: string, shared: Shared, name: string, type: T, signal?: AbortSignal): Promise<DnsResult<T>> {
    const settled = shared.promise as Promise<DnsResult<T>>;
    if (!signal) {
      shared.committed = true;
      return settled;
    }
    shared.abortable++;
    return new Promise<DnsResult<T>>((resolve) => {
      const onAbort = () => {
        shared.abortable--;
        if (shared.abortable === 0 && !shared.committed) {
          // Nobody wants this answer any more; a later caller starts a fresh query.
          if (inFlight.get(key) === shared) inFlight.delete(key);
          shared.controller?.abort();
        }
        resolve(abortedResult(name, type));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      settled.then((result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      });
    });
  }

  return {
    async query<T extends RRType>(name: string, type: T, signal?: AbortSignal): Promise<DnsResult<T>> {
      if (signal?.aborted) return abortedResult(String(name), type);
      const key = `${canonicalWireName(String(name))} ${type}`;
      const hit = lookupFresh(key);
      if (hit) return hit as DnsResult<T>;
      return wait(key, share(key, name, type, signal !== undefined), String(name), type, signal);
    },
    clear() {
      entries.clear();
      generation++;
    },
    size: () => entries.size,
  };
}
