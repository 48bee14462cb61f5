// The one place where Node code (the CLI, the lookup service) turns resolver URLs into the
// engine's resolver: `https://` upstreams are DoH over the given fetch (one HTTP/2 connection per
// resolver: http2-fetch.ts), `dns://` upstreams on loopback are classic DNS (classic-dns.ts).
// Failover, retries, CNAME chasing and every check stay the engine's (src/core/dns/doh.ts).
import { createDohResolver, type DohResolverOptions } from '../core/dns/doh.ts';
import type { UpstreamExchange } from '../core/dns/transport.ts';
import type { FetchLike, Resolver } from '../core/types.ts';
import { createClassicDnsExchange } from './classic-dns.ts';
import { createHttp2DohExchange } from './doh-exchange.ts';
import type { Http2Fetch } from './http2-fetch.ts';
import { parseResolverUrl } from './resolver-url.ts';

export interface ResolverForUrlsOptions extends Pick<DohResolverOptions, 'timeoutMs' | 'method' | 'maxInFlight' | 'onQuery'> {
  /**
   * The fetch for `https://` resolvers; required when there is one. An Http2Fetch (http2-fetch.ts)
   * is used directly for GET queries (doh-exchange.ts: no WHATWG objects per query).
   */
  doh?: FetchLike | Http2Fetch;
}

function isHttp2Fetch(fetch: FetchLike | Http2Fetch): fetch is Http2Fetch {
  return typeof (fetch as Partial<Http2Fetch>).getBytes === 'function';
}

/**
 * A resolver over `urls` (tried in order). Throws on a URL that parseResolverUrl refuses (a
 * `dns://` resolver off loopback, a name instead of an address): callers validate their
 * arguments or configuration with parseResolverUrl first and report its message.
 */
export function createResolverForUrls(urls: readonly string[], options: ResolverForUrlsOptions = {}): Resolver {
  const transports: Record<string, UpstreamExchange> = {};
  const canonical: string[] = [];
  for (const text of urls) {
    const parsed = parseResolverUrl(text);
    if (!parsed.ok) throw new Error(`resolver ${parsed.error}`);
    if (parsed.kind === 'doh' && !options.doh) throw new Error(`resolver '${text}' is DoH, but no fetch was given for it`);
    if (parsed.kind === 'dns') transports[parsed.url] = createClassicDnsExchange(parsed);
    else if (options.doh && isHttp2Fetch(options.doh) && (options.method ?? 'GET') === 'GET') transports[parsed.url] = createHttp2DohExchange(parsed.url, options.doh);
    canonical.push(parsed.url);
  }
  const { doh, ...rest } = options;
  return createDohResolver({ ...rest, urls: canonical, ...(doh ? { fetch: doh } : {}), transports });
}
