// DANE for SMTP, per MX host (RFC 7672 s2.2).
//
// What a DANE-aware sending server would conclude for each MX host, from DNS alone. A browser
// cannot open port 25, so nothing here compares a certificate with the TLSA data.
//
// Cost: for every host, A, AAAA and TLSA `_25._tcp.<host>` are queried at once, and all hosts
// start together, so the whole step is ONE round trip after the MX answer. Only a host whose
// name is a CNAME (forbidden for MX targets by RFC 2181 s10.3, rare in practice) costs a second,
// serial query:
// - chain secure: TLSA at the CNAME-expanded name, falling back to the original name's answer,
//   which is already here (RFC 7672 s2.2.2-2.2.3);
// - chain insecure: a CNAME query to learn whether the FIRST link is secure, since one DoH
//   answer has a single AD bit for the whole chain; if it is, the original name's TLSA applies
//   (RFC 7672 s2.2.2; the same narrow fallback as KumoMTA's `resolve_secure_cname`).
// Querying the original name's TLSA in parallel is speculative when the host turns out to be a
// CNAME, but that answer is exactly the fallback RFC 7672 asks for.

import { describeEde, isDnssecFailure } from '../dns/codes.ts';
import { capAtWord } from '../text.ts';
import type { DaneEvidence, DaneHostEvidence, DaneHostStatus, DnsResult, RRType, Resolver } from '../types.ts';
import { isUsableTlsa } from './tlsa.ts';

export interface DaneInput {
  /** MX hosts (A-labels), lowest preference first; for an implicit MX, the domain itself. */
  hosts: string[];
  /** AD bit of the MX answer (or of the NODATA denial behind an implicit MX). */
  mxSecure: boolean;
}

export interface DaneDeps {
  resolver: Resolver;
  signal?: AbortSignal;
}

export interface DaneResult {
  evidence: DaneEvidence;
  /** Seconds the evidence may be cached: the smallest TTL of the answers it was built from. */
  ttl: number;
  /**
   * Hosts with neither A nor AAAA records (both answered NODATA or NXDOMAIN, signed or not): no
   * sender can reach them (RFC 5321 s5.1). For an implicit MX this says the domain has no
   * address at all, so it is undeliverable. Hosts whose address lookups FAILED are not listed.
   */
  addressless: string[];
  /**
   * The addressless hosts whose denials of A and AAAA are BOTH DNSSEC-secure: only these may
   * leave the set of hosts DANE must cover. An unsigned "no address" can be forged away by an
   * attacker who then offers that host without TLSA (RFC 7672 s2.2.1; docs/decisions.md).
   */
  deniedSecurely?: string[];
  /** Hosts whose DNSSEC failure is on an address (or CNAME) query: no validating sender finds them. */
  addressFailures?: string[];
}

/** Used when no answer limits the cache lifetime (no hosts at all). */
export const DANE_MAX_TTL = 86_400;

/** The port of SMTP between MTAs (RFC 7672 s2.2: `_25._tcp.<TLSA base domain>`). */
export const tlsaQueryName = (base: string): string => `_25._tcp.${base}`;

/**
 * Rejects only when `deps.signal` is aborted; any other failure becomes a host status
 * (`lookup-failed`, `dnssec-failure`), never an exception and never `dane`.
 */
export async function evaluateDane(input: DaneInput, deps: DaneDeps): Promise<DaneResult> {
  const hosts = [...new Set(input.hosts.map(cleanName).filter((host) => host !== ''))];
  // All hosts start in the same tick: no host waits for another (one round trip in total).
  const outcomes = await Promise.all(hosts.map((host) => evaluateHost(host, deps)));
  // An aborted evaluation has no meaningful result (its lookups came back as errors): reject.
  if (deps.signal?.aborted) throw deps.signal.reason ?? new Error('aborted');
  const ttls = outcomes.flatMap((outcome) => outcome.ttls);
  return {
    evidence: { mxSecure: input.mxSecure === true, hosts: outcomes.map((outcome) => outcome.evidence) },
    ttl: ttls.length === 0 ? DANE_MAX_TTL : Math.min(DANE_MAX_TTL, ...ttls),
    addressless: outcomes.filter((outcome) => outcome.addressless).map((outcome) => outcome.evidence.host),
    deniedSecurely: outcomes.filter((outcome) => outcome.deniedSecurely).map((outcome) => outcome.evidence.host),
    addressFailures: outcomes.filter((outcome) => outcome.addressFailure).map((outcome) => outcome.evidence.host),
  };
}

interface HostOutcome {
  evidence: DaneHostEvidence;
  addressless: boolean;
  deniedSecurely: boolean;
  addressFailure: boolean;
  /** TTLs of the answers the status was decided from. */
  ttls: number[];
}

async function evaluateHost(host: string, deps: DaneDeps): Promise<HostOutcome> {
  const [a, aaaa, tlsaAtHost] = await Promise.all([
    safeQuery(deps, host, 'A'),
    safeQuery(deps, host, 'AAAA'),
    safeQuery(deps, tlsaQueryName(host), 'TLSA'),
  ]);
  const consulted: DnsResult[] = [a, aaaa];
  const done = (status: DaneHostStatus, extra: Partial<DaneHostEvidence> = {}, addressless = false, deniedSecurely = false): HostOutcome => ({
    evidence: { host, status, usages: [], ...extra },
    addressless,
    deniedSecurely,
    addressFailure: false,
    ttls: consulted.map((result) => result.ttl).filter((ttl) => Number.isFinite(ttl) && ttl >= 0),
  });
  const failed = (result: DnsResult): HostOutcome => {
    const outcome = done(failure(result) ?? 'lookup-failed', { problem: describeProblem(result), ...(result.ede ? { ede: result.ede } : {}) });
    outcome.addressFailure = outcome.evidence.status === 'dnssec-failure' && result.type !== 'TLSA';
    return outcome;
  };

  // --- Address records (RFC 7672 s2.2.2) ---
  // A DNSSEC failure (SERVFAIL with a DNSSEC EDE, RFC 8914) outranks a failed lookup: it proves
  // the zone broken, where a timeout proves nothing.
  const addressFailures = [a, aaaa].filter((result) => failure(result) !== undefined);
  const brokenAddress = addressFailures.find((result) => failure(result) === 'dnssec-failure') ?? addressFailures[0];
  if (brokenAddress) {
    consulted.push(brokenAddress);
    return failed(brokenAddress);
  }

  const withAddresses = [a, aaaa].filter(hasRecords);
  const addressless = withAddresses.length === 0;
  // A forged denial of one family cannot redirect the client; only the records it will use
  // must be secure. With no records at all, the denials themselves must be secure.
  const addressesSecure = addressless ? a.secure && aaaa.secure : withAddresses.every((result) => result.secure);
  const deniedSecurely = addressless && addressesSecure;
  const chain = a.cnames.length > 0 ? a.cnames : aaaa.cnames;

  if (!addressesSecure) {
    if (chain.length === 0 || addressless) return done('insecure', {}, addressless);
    // RFC 7672 s2.2.2: the final address records are insecure, but if the first CNAME link is
    // secure the TLSA records at the ORIGINAL name still apply.
    const link = await safeQuery(deps, host, 'CNAME');
    consulted.push(link);
    if (failure(link)) return failed(link);
    if (!(hasRecords(link) && link.secure)) return done('insecure');
    return fromTlsa(tlsaAtHost, host);
  }

  // --- TLSA (RFC 7672 s2.2.3, s3) ---
  const expanded = chain.length > 0 ? cleanName(chain[chain.length - 1] ?? '') : '';
  if (expanded !== '' && expanded !== host) {
    // The whole chain is secure: the CNAME-expanded name is the first TLSA base domain.
    const atExpanded = await safeQuery(deps, tlsaQueryName(expanded), 'TLSA');
    if (failure(atExpanded)) {
      // A failure at the first candidate does not move on to the next (RFC 7672 s2.2.3: the
      // lookup failed, which is not "no TLSA records").
      consulted.push(atExpanded);
      const outcome = failed(atExpanded);
      return { ...outcome, evidence: { ...outcome.evidence, tlsaName: expanded }, addressless, deniedSecurely };
    }
    if (hasRecords(atExpanded) && atExpanded.secure) return fromTlsa(atExpanded, expanded);
    // Insecure or no TLSA at the expanded name: fall back to the original name.
  }
  return fromTlsa(tlsaAtHost, host);

  function fromTlsa(result: DnsResult<'TLSA'>, base: string): HostOutcome {
    consulted.push(result);
    const usages = [...new Set(result.records.map((record) => record.usage))].sort((x, y) => x - y);
    if (failure(result)) {
      const outcome = failed(result);
      return { ...outcome, evidence: { ...outcome.evidence, tlsaName: base }, addressless, deniedSecurely };
    }
    if (!result.secure) return done('insecure', { tlsaName: base, usages }, addressless, deniedSecurely);
    if (!hasRecords(result)) return done('no-tlsa', { tlsaName: base }, addressless, deniedSecurely);
    const status = result.records.some(isUsableTlsa) ? 'dane' : 'unusable-tlsa';
    return done(status, { tlsaName: base, usages }, addressless, deniedSecurely);
  }
}

/**
 * How a lookup failure counts for DANE (RFC 7672 s2.1.1: a failed lookup is never "no TLSA"):
 * a SERVFAIL carrying a DNSSEC EDE (RFC 8914) is a `dnssec-failure` of the zone, which DANE
 * senders treat as an unusable host; any other SERVFAIL, a timeout or an error only says that
 * the lookup could not be made (`lookup-failed`, the verdict cannot be settled from it).
 */
function failure(result: DnsResult): DaneHostStatus | undefined {
  if (result.outcome === 'servfail') return isDnssecFailure(result.ede) ? 'dnssec-failure' : 'lookup-failed';
  if (result.outcome === 'timeout' || result.outcome === 'error') return 'lookup-failed';
  return undefined;
}

/** "TLSA _25._tcp.mx.example: SERVFAIL (EDE 6, DNSSEC Bogus)", short enough for a reason. */
function describeProblem(result: DnsResult): string {
  const query = `${result.type} ${capAtWord(String(result.name), 100)}`;
  if (result.outcome === 'timeout') return `${query}: no answer in time`;
  if (result.outcome === 'servfail') return `${query}: SERVFAIL${result.ede ? ` (${describeEde(result.ede)})` : ''}`;
  return `${query}: ${result.error ? capAtWord(result.error, 160) : 'the lookup failed'}`;
}

function hasRecords(result: DnsResult): boolean {
  return result.outcome === 'answer' && result.records.length > 0;
}

function cleanName(name: string): string {
  return typeof name === 'string' ? name.trim().toLowerCase().replace(/\.$/, '') : '';
}

/**
 * A query that never rejects (except on abort): a resolver that throws, or returns something
 * malformed, counts as a failed lookup, never as a secure answer.
 */
async function safeQuery<T extends RRType>(deps: DaneDeps, name: string, type: T): Promise<DnsResult<T>> {
  const failed = (error: string): DnsResult<T> => ({ name, type, outcome: 'error', secure: false, records: [], ttl: 0, cnames: [], error });
  let result: DnsResult<T>;
  try {
    result = await deps.resolver.query(name, type, deps.signal);
  } catch (error) {
    if (deps.signal?.aborted) throw deps.signal.reason ?? error;
    return failed(error instanceof Error ? error.message : String(error));
  }
  if (typeof result !== 'object' || result === null || typeof result.outcome !== 'string') return failed('malformed resolver result');
  return {
    ...result,
    secure: result.secure === true,
    records: Array.isArray(result.records) ? result.records : [],
    cnames: Array.isArray(result.cnames) ? result.cnames : [],
    ttl: typeof result.ttl === 'number' ? result.ttl : 0,
  };
}
