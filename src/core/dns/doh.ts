// The resolver: failover across the configured resolvers, CNAME chasing, record decoding,
// and the mapping of every failure to a DnsResult (the engine never sees an exception).
// Each upstream is DoH (RFC 8484, over the injected fetch) unless `transports` gives it an
// exchange of its own (classic DNS to a loopback resolver: src/node/classic-dns.ts).
import type { Answer } from '@dnsquery/dns-packet';
import type { DnsOutcome, DnsResult, FetchLike, RecordData, Resolver, RRType } from '../types.ts';
import { createLimiter } from './limiter.ts';
import { canonicalWireName, normalizeName } from './names.ts';
import { capAtWord } from '../text.ts';
import { describeEde, isDnssecFailure, primaryEde, rcodeName, RCODE_NOERROR, RCODE_NXDOMAIN, RCODE_SERVFAIL } from './codes.ts';
import { exchange, hostOf, type Exchange, type UpstreamExchange } from './transport.ts';
import { negativeTtl, readRecord, type DecodedResponse } from './wire.ts';
import type { ExtendedDnsError } from './wire-scan.ts';

export interface DohResolverOptions {
  /** Upstreams, tried in order: RFC 8484 endpoints (URI templates without variables), or URLs
   *  that `transports` names. */
  urls: string[];
  /** The fetch for DoH upstreams (every URL without a transport of its own). */
  fetch?: FetchLike;
  /** An exchange per upstream URL that is not DoH (e.g. `dns://127.0.0.1:53`, built in src/node). */
  transports?: Readonly<Record<string, UpstreamExchange>>;
  /** Per HTTP attempt. Default 2500 ms. */
  timeoutMs?: number;
  /** Default GET (cacheable, RFC 8484 s4.1). */
  method?: 'GET' | 'POST';
  /** Concurrent queries; the rest wait in a queue. Default DEFAULT_MAX_IN_FLIGHT (256). */
  maxInFlight?: number;
  /** Called for every HTTP request sent (tests, the benchmark, debugging). */
  onQuery?: (e: { name: string; type: RRType; url: string }) => void;
}

export const DEFAULT_TIMEOUT_MS = 2500;
// A bound against query storms, not a pacing device: it must never add a round trip to an
// ordinary check. 20 recipient domains send a first wave of 60 queries (MX and two TXT each; 100
// with the CLI's policy-host prefetch) and then A, AAAA and TLSA per MX host (at most 96 per
// domain, mx.ts). The HTTP/2 layer below already follows the server's
// SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 s5.1.2): Node's nghttp2 and browsers queue streams
// beyond it on the one connection, so this limit does not need to guess the server's; the old 64
// cost a whole round trip at 20 domains (docs/decisions.md "Engine": in-flight limit).
export const DEFAULT_MAX_IN_FLIGHT = 256;
/** CNAME links followed for one query before giving up (resolvers use similar small limits). */
export const MAX_CNAME_HOPS = 8;
/** Negative TTL when a denial carries no SOA (RFC 2308 s5 needs one; some servers omit it). */
export const DEFAULT_NEGATIVE_TTL = 60;
/** How long a SERVFAIL may be reused (RFC 2308 s7.1 allows up to five minutes; keep it short). */
export const SERVFAIL_TTL = 30;

type FailureKind = 'servfail' | 'timeout' | 'error';
type Failure = { kind: FailureKind; url?: string; error: string; ede?: ExtendedDnsError };
/** One failed attempt: what `ask` remembers to choose the result and to name every resolver. */
type Attempt = Failure;

/** Longest text kept from one resolver's failure, and from all of them together. */
const MAX_ATTEMPT_TEXT = 160;
const MAX_ERROR_TEXT = 480;

function failed<T extends RRType>(name: string, type: T, failure: Failure, cnames: string[]): DnsResult<T> {
  const result: DnsResult<T> = {
    name,
    type,
    outcome: failure.kind,
    secure: false,
    records: [],
    ttl: failure.kind === 'servfail' ? SERVFAIL_TTL : 0,
    cnames,
    error: failure.error,
  };
  if (failure.url) result.resolver = failure.url;
  if (failure.ede) result.ede = failure.ede;
  return result;
}

function sameName(a: string, b: string): boolean {
  return canonicalWireName(a) === b;
}

/**
 * The failure a query reports when no resolver gave an answer. A SERVFAIL that carries a DNSSEC
 * EDE is evidence about the zone and leads; otherwise every resolver tried is named once, with
 * its own short error, so that "offline" reads as such rather than as the last resolver's
 * complaint. Any SERVFAIL makes the outcome `servfail` (cached briefly); all timeouts make it
 * `timeout`; anything else is `error`.
 */
function chooseFailure(attempts: readonly Attempt[]): Failure {
  const last = attempts[attempts.length - 1];
  if (!last) return { kind: 'error', error: 'No DoH resolver is configured.' };
  const dnssec = attempts.find((a) => a.kind === 'servfail' && isDnssecFailure(a.ede));
  const servfail = dnssec ?? [...attempts].reverse().find((a) => a.kind === 'servfail');
  const kind: FailureKind = servfail ? 'servfail' : attempts.every((a) => a.kind === 'timeout') ? 'timeout' : 'error';
  const ordered = dnssec ? [dnssec, ...attempts.filter((a) => a !== dnssec)] : attempts;
  const texts = [...new Set(ordered.map((a) => capAtWord(a.error, MAX_ATTEMPT_TEXT).replace(/\.$/, '')))];
  const error = texts.length === 1 ? `${texts[0]}.` : `Every resolver failed: ${texts.join('; ')}.`;
  const failure: Failure = { kind, url: (servfail ?? last).url, error: capAtWord(error, MAX_ERROR_TEXT) };
  if (servfail?.ede) failure.ede = servfail.ede;
  return failure;
}

export function createDohResolver(options: DohResolverOptions): Resolver {
  const urls = options.urls.filter((url) => typeof url === 'string' && url !== '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const method = options.method ?? 'GET';
  const limiter = createLimiter(options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  // "One retry, failover": every resolver once, in order; a lone resolver is tried twice.
  const attemptUrls = urls.length === 1 ? [urls[0] as string, urls[0] as string] : urls;

  const transports = options.transports ?? {};
  const send = (url: string, name: string, type: RRType, signal: AbortSignal | undefined): Promise<Exchange> => {
    const own = Object.hasOwn(transports, url) ? transports[url] : undefined;
    if (own) return own(name, type, { timeoutMs, signal });
    if (!options.fetch) return Promise.resolve({ kind: 'error', url, error: `${hostOf(url)}: no transport for this resolver.` });
    return exchange(url, name, type, { fetch: options.fetch, method, timeoutMs, signal });
  };

  const notify = (name: string, type: RRType, url: string) => {
    try {
      options.onQuery?.({ name, type, url });
    } catch {
      // An observer's bug must not change the lookup.
    }
  };

  /** Asks each resolver in turn until one gives NOERROR or NXDOMAIN. */
  async function ask(name: string, type: RRType, signal?: AbortSignal): Promise<{ ok: true; url: string; message: DecodedResponse } | { ok: false; failure: Failure }> {
    const attempts: Attempt[] = [];
    for (const url of attemptUrls) {
      // A SERVFAIL that says why (a DNSSEC EDE, RFC 8914) is that resolver's considered answer
      // about the zone: asking it again cannot help (docs/decisions.md "Engine": retries).
      // Another configured resolver is still asked: it may validate differently.
      if (attempts.some((a) => a.url === url && a.kind === 'servfail' && isDnssecFailure(a.ede))) continue;
      let result: Exchange;
      try {
        result = await limiter.run(() => {
          notify(name, type, url);
          return send(url, name, type, signal);
        }, signal);
      } catch {
        result = { kind: 'aborted' };
      }
      if (result.kind === 'aborted') return { ok: false, failure: { kind: 'error', error: 'The query was aborted.' } };
      if (result.kind === 'dns') {
        const { rcode } = result.message;
        if (rcode === RCODE_NOERROR || rcode === RCODE_NXDOMAIN) return { ok: true, url, message: result.message };
        const ede = primaryEde(result.message.ede);
        const because = ede ? ` (${describeEde(ede)})` : '';
        const host = hostOf(url);
        // Only SERVFAIL can mean a validation failure (RFC 4035 s5.5); REFUSED, NOTIMP, FORMERR,
        // BADVERS and the rest are the resolver declining or failing the query: `error`.
        const attempt: Attempt = rcode === RCODE_SERVFAIL
          ? { kind: 'servfail', url, error: `${host} answered SERVFAIL for ${name} ${type}${because}.` }
          : { kind: 'error', url, error: `${host} answered ${rcodeName(rcode)} for ${name} ${type}${because}: a resolver problem, not an answer.` };
        if (ede) attempt.ede = ede;
        attempts.push(attempt);
        continue;
      }
      attempts.push({ kind: result.kind, url, error: result.error });
    }
    return { ok: false, failure: chooseFailure(attempts) };
  }

  async function query<T extends RRType>(rawName: string, type: T, signal?: AbortSignal): Promise<DnsResult<T>> {
    const checked = normalizeName(rawName);
    const name = checked.ok ? checked.name : String(rawName);
    if (!checked.ok) return failed(name, type, { kind: 'error', error: checked.error }, []);

    const cnames: string[] = [];
    const seen = new Set([name]);
    let secure = true;
    let ttl = Number.POSITIVE_INFINITY;
    let current = name;

    for (;;) {
      const asked = await ask(current, type, signal);
      if (!asked.ok) return failed(name, type, asked.failure, cnames);
      const { message, url } = asked;
      secure &&= message.authenticData;

      // Walk the answer section from `current` along CNAMEs (RFC 1034 s3.6.2, s4.3.2).
      let owner = current;
      let records: RecordData[T][] = [];
      for (;;) {
        const matching = message.answers.filter((rr: Answer) => rr.type === type && sameName(rr.name, owner));
        if (matching.length > 0) {
          for (const rr of matching) {
            const record = readRecord(type, rr);
            if (record === null) return failed(name, type, { kind: 'error', url, error: `A malformed ${type} record for ${owner} was received.` }, cnames);
            records.push(record);
            ttl = Math.min(ttl, rr.ttl ?? 0);
          }
          break;
        }
        const alias = type === 'CNAME' ? undefined : message.answers.find((rr) => rr.type === 'CNAME' && sameName(rr.name, owner));
        if (!alias || typeof alias.data !== 'string') break;
        const target = canonicalWireName(alias.data);
        if (seen.has(target)) return failed(name, type, { kind: 'error', url, error: `The CNAME chain of ${name} loops at ${target}.` }, cnames);
        if (cnames.length >= MAX_CNAME_HOPS) return failed(name, type, { kind: 'error', url, error: `The CNAME chain of ${name} is longer than ${MAX_CNAME_HOPS} links.` }, cnames);
        seen.add(target);
        cnames.push(target);
        ttl = Math.min(ttl, alias.ttl ?? 0);
        owner = target;
      }

      const denialTtl = negativeTtl(message.authorities);
      if (records.length === 0 && message.rcode === 0 && owner !== current && denialTtl === undefined) {
        // The chain stops at a name this answer says nothing about (no records, no SOA proving
        // their absence): ask about the target itself.
        current = owner;
        continue;
      }

      let outcome: DnsOutcome = 'answer';
      if (message.rcode === RCODE_NXDOMAIN) {
        outcome = 'nxdomain';
        records = [];
      } else if (records.length === 0) {
        outcome = 'nodata';
      }
      if (outcome !== 'answer') ttl = Math.min(ttl, denialTtl ?? DEFAULT_NEGATIVE_TTL);
      const result: DnsResult<T> = {
        name,
        type,
        outcome,
        secure,
        records,
        ttl: Math.max(0, Math.floor(Number.isFinite(ttl) ? ttl : DEFAULT_NEGATIVE_TTL)),
        cnames,
        resolver: url,
      };
      // Informational on an answer (RFC 8914 s3: EDE never changes how an RCODE is processed).
      const ede = primaryEde(message.ede);
      if (ede) result.ede = ede;
      return result;
    }
  }

  return {
    query<T extends RRType>(name: string, type: T, signal?: AbortSignal): Promise<DnsResult<T>> {
      // Belt and braces: the contract is "never throws", whatever a fetch implementation does.
      return query(name, type, signal).catch((e: unknown) =>
        failed(String(name), type, { kind: 'error', error: `The lookup failed unexpectedly: ${e instanceof Error ? e.message : String(e)}.` }, []),
      );
    },
  };
}
