// Recipient domain -> Assessment: the verdict model of README.md ("What the verdicts mean").
//
// Every lookup of a domain starts as soon as its inputs exist: MX, the `_mta-sts` TXT (then the
// policy fetch) and the `_smtp._tls` TXT at once; after the MX answer, the DANE queries of every
// host at once (at most MAX_MX_LOOKUPS hosts, mx.ts). So a cold check costs about two round trips
// (MX -> TLSA, TXT -> policy).
//
// The rules that turn evidence into a level live in verdict.ts; this file only gathers.
import { normalizeDomain, parseRecipient } from './address.ts';
import { evaluateDane, type DaneResult } from './dane/index.ts';
import { discoverMtaSts, type MtaStsDiscovery } from './mta-sts/discover.ts';
import type { PolicyCache } from './mta-sts/cache.ts';
import { interpretMx, mxHostsToLookUp, type MxInterpretation } from './mx.ts';
import { discoverTlsRpt, type TlsRptDiscovery } from './tls-rpt/record.ts';
import { buildVerdict, unassessable } from './verdict.ts';
import type { Assessment, DnsResult, FetchLike, Resolver, SenderCapabilities } from './types.ts';

export interface AssessDeps {
  resolver: Resolver;
  /** Fetch for MTA-STS policy files; null when not permitted (judged from DNS alone). */
  fetch: FetchLike | null;
  /** The sender-side MTA-STS policy cache (RFC 8461 s3.3); without one nothing is remembered. */
  policyCache?: PolicyCache;
  /** What the sending side enforces; undefined = unknown sender (verdict says "if …"). */
  sender?: SenderCapabilities;
  /** Epoch milliseconds; injected for tests. */
  now?: () => number;
  /** Timeout of one policy fetch, ms (default 10 000). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Look up the `mta-sts.<domain>` host's addresses in parallel with the `_mta-sts` TXT record
   * (discover.ts). Only where `fetch` resolves names through `resolver` (the CLI, the lookup
   * service); default off (the browser's fetch resolves through the browser).
   */
  prefetchPolicyHost?: boolean;
}

/** Gathered evidence for one domain, before any judgement. */
export interface Gathered {
  domain: string;
  display: string;
  mxResult: DnsResult<'MX'>;
  mx: MxInterpretation;
  dane: DaneResult | null;
  mtaSts: MtaStsDiscovery;
  tlsRpt: TlsRptDiscovery;
}

/** Assess one recipient domain (U-labels accepted). Never throws except on abort. */
export async function assessDomain(input: string, deps: AssessDeps): Promise<Assessment> {
  const now = deps.now ?? Date.now;
  const normalized = normalizeDomain(input);
  if (!normalized.ok) return unassessable(input, normalized.error, now());
  const { domain, display } = normalized;
  const resolver = sharingResolver(deps.resolver);
  const signal = deps.signal;

  const mtaStsPromise = discoverMtaSts(domain, {
    resolver,
    fetch: deps.fetch,
    cache: deps.policyCache,
    now,
    timeoutMs: deps.timeoutMs,
    signal,
    prefetchPolicyHost: deps.prefetchPolicyHost ?? false,
  });
  const tlsRptPromise = discoverTlsRpt(domain, { resolver, signal });
  const mxPart = (async () => {
    const mxResult = await resolver.query(domain, 'MX', signal);
    const mx = interpretMx(mxResult, domain);
    let dane: DaneResult | null = null;
    const hosts = mxHostsToLookUp(mx);
    if (mx.kind === 'hosts' && hosts.length > 0) {
      dane = await evaluateDane({ hosts, mxSecure: mx.secure }, { resolver, signal });
    }
    return { mxResult, mx, dane };
  })();
  const [{ mxResult, mx, dane }, mtaSts, tlsRpt] = await Promise.all([mxPart, mtaStsPromise, tlsRptPromise]);
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
  return buildVerdict({ domain, display, mxResult, mx, dane, mtaSts, tlsRpt }, deps.sender, now());
}

/**
 * Assess recipients given as addresses (or bare domains): one Assessment per distinct domain,
 * in order of first appearance. Malformed addresses and address literals get an `unknown`
 * Assessment of their own (never dropped silently), with the input as `domain`.
 */
export async function assessAddresses(addresses: readonly string[], deps: AssessDeps): Promise<Assessment[]> {
  const now = deps.now ?? Date.now;
  const jobs = new Map<string, () => Promise<Assessment>>();
  // One resolver shared by all domains of the batch, so MX hosts that several domains share
  // (a provider's, a gateway's) are asked about once.
  const shared = { ...deps, resolver: sharingResolver(deps.resolver) };
  for (const raw of addresses) {
    const text = typeof raw === 'string' ? raw.trim() : '';
    const parsed = text.includes('@') ? parseRecipient(text) : normalizeDomain(text);
    if (!parsed.ok) {
      const key = `invalid:${text}`;
      if (!jobs.has(key)) jobs.set(key, async () => unassessable(text, parsed.error, now()));
    } else if (!jobs.has(parsed.domain)) {
      jobs.set(parsed.domain, () => assessDomain(parsed.display, shared));
    }
  }
  return Promise.all([...jobs.values()].map((job) => job()));
}

const SHARING = Symbol('sharing-resolver');

/**
 * Concurrent identical queries share one promise, so no query is sent twice while it is in
 * flight (the implicit MX's address lookups, hosts shared between domains). Nothing is kept
 * after the answer: lasting caching with TTLs is createCachingResolver's job.
 */
export function sharingResolver(inner: Resolver): Resolver {
  if ((inner as { [SHARING]?: true })[SHARING]) return inner;
  const inFlight = new Map<string, Promise<DnsResult>>();
  const resolver: Resolver & { [SHARING]: true } = {
    [SHARING]: true,
    query(name, type, signal) {
      const key = `${type} ${name.toLowerCase()}`;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = inner.query(name, type, signal).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending as ReturnType<Resolver['query']>;
    },
  } as Resolver & { [SHARING]: true };
  return resolver;
}
