// The service's DNS: the engine's DoH resolver (RFC 8484) over one HTTP/2 session per resolver,
// behind a TTL cache shared by every request of this instance.
//
// Answers are passed on without the resolver's URL and without error details: those texts name
// the resolver's host and sometimes its address ("dns.internal could not be reached: connect
// ECONNREFUSED 10.0.0.53:443"), and they would reach every seat inside the reasons of an
// assessment (docs/lookup-service.md "Privacy"). The outcome (timeout, servfail, error) stays.
import { createCachingResolver, createDohResolver, type CachingResolver, type DnsResult, type Resolver, type RRType } from '../core/index.ts';
import { createHttp2Fetch, type Http2Fetch } from '../node/http2-fetch.ts';
import { createNodeHttpsFetch } from '../node/https-fetch.ts';

export const DNS_CACHE_ENTRIES = 50_000;
/** Concurrent DoH requests: one request of 100 domains sends about 300 queries at once, all streams of
 *  one HTTP/2 session (servers commonly allow 100-250 concurrent streams; more wait in the queue). */
export const DOH_MAX_IN_FLIGHT = 256;

export function redactingResolver(inner: Resolver): Resolver {
  return {
    async query<T extends RRType>(name: string, type: T, signal?: AbortSignal): Promise<DnsResult<T>> {
      const result = await inner.query(name, type, signal);
      if (result.resolver === undefined && result.error === undefined) return result;
      const { resolver: _resolver, error: _error, ...rest } = result;
      return rest;
    },
  };
}

/**
 * When the engine asks for `_mta-sts.<domain>` TXT, the addresses of `mta-sts.<domain>` are asked
 * for at the same time, into the shared cache. The policy fetch needs them right after the TXT
 * answer; asked in series they would put a third round trip on the critical path (TXT, then
 * A/AAAA, then the fetch), where a browser — whose OS resolves the policy host — has two
 * (docs/decisions.md "Lookup service"). Costs two queries per domain to the same resolver.
 */
export function prefetchingPolicyHosts(inner: Resolver): Resolver {
  return {
    query<T extends RRType>(name: string, type: T, signal?: AbortSignal): Promise<DnsResult<T>> {
      if (type === 'TXT' && name.startsWith('_mta-sts.')) {
        const host = `mta-sts.${name.slice('_mta-sts.'.length)}`;
        void inner.query(host, 'A').catch(() => undefined);
        void inner.query(host, 'AAAA').catch(() => undefined);
      }
      return inner.query(name, type, signal);
    },
  };
}

export interface ServiceResolver {
  resolver: CachingResolver;
  close(): void;
}

export function createServiceResolver(options: { urls: string[]; timeoutMs: number; ca?: string | string[]; onQuery?: () => void }): ServiceResolver {
  const doh: Http2Fetch = createHttp2Fetch({ ca: options.ca, http1Fallback: createNodeHttpsFetch({ ca: options.ca, keepAlive: true }) });
  const resolver = createCachingResolver(
    redactingResolver(createDohResolver({ urls: options.urls, fetch: doh, timeoutMs: options.timeoutMs, maxInFlight: DOH_MAX_IN_FLIGHT, onQuery: options.onQuery })),
    { maxEntries: DNS_CACHE_ENTRIES },
  );
  return { resolver: Object.assign(prefetchingPolicyHosts(resolver), { clear: () => resolver.clear(), size: () => resolver.size() }), close: () => doh.close() };
}
