// The service's DNS: the engine's resolver built from the configured URLs by the same factory as
// the CLI's (src/node/resolver.ts): DoH (RFC 8484) over one HTTP/2 session per resolver, or
// classic DNS to a validating resolver on loopback (`dns://127.0.0.1`), behind a TTL cache shared
// by every request of this instance. The policy host's addresses are prefetched by the engine
// (AssessDeps.prefetchPolicyHost, set in main.ts).
//
// Answers are passed on without the resolver's URL and without error details: those texts name
// the resolver's host and sometimes its address ("dns.internal could not be reached: connect
// ECONNREFUSED 10.0.0.53:443"), and they would reach every seat inside the reasons of an
// assessment (docs/lookup-service.md "Privacy"). The outcome (timeout, servfail, error) stays.
import { createCachingResolver, type CachingResolver, type DnsResult, type Resolver, type RRType } from '../core/index.ts';
import { createHttp2Fetch, type Http2Fetch } from '../node/http2-fetch.ts';
import { createNodeHttpsFetch } from '../node/https-fetch.ts';
import { createResolverForUrls } from '../node/resolver.ts';

export const DNS_CACHE_ENTRIES = 50_000;
/** Concurrent queries: one request of 100 domains sends about 300 queries at once, all streams of
 *  one HTTP/2 session (servers commonly allow 100-250 concurrent streams; nghttp2 queues the rest
 *  on the session, docs/decisions.md "Engine": in-flight limit). */
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

export interface ServiceResolver {
  resolver: CachingResolver;
  close(): void;
}

export function createServiceResolver(options: { urls: string[]; timeoutMs: number; ca?: string | string[]; onQuery?: () => void }): ServiceResolver {
  const doh: Http2Fetch = createHttp2Fetch({ ca: options.ca, http1Fallback: createNodeHttpsFetch({ ca: options.ca, keepAlive: true }) });
  const resolver = createCachingResolver(
    redactingResolver(createResolverForUrls(options.urls, { doh, timeoutMs: options.timeoutMs, maxInFlight: DOH_MAX_IN_FLIGHT, ...(options.onQuery ? { onQuery: options.onQuery } : {}) })),
    { maxEntries: DNS_CACHE_ENTRIES },
  );
  return { resolver, close: () => doh.close() };
}
