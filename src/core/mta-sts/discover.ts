// MTA-STS discovery for one policy domain, as a compliant sender with a policy cache does it
// (RFC 8461 s3.1, s3.3, s5.1):
// - TXT `_mta-sts.<domain>`; exactly one valid record announces a policy with an `id`.
// - A cached, unexpired policy fetched under the same id is used without fetching (s3.3: "need
//   only check the TXT record's version 'id' against the cached value").
// - A new id is fetched; success replaces the cache entry.
// - "if no 'live' policy can be discovered via DNS or fetched via HTTPS, but a valid
//   (non-expired) policy exists in the sender's cache, the sender MUST apply that cached policy"
//   (s3.3), and "absence of a usable TXT record is not by itself sufficient to remove a sender's
//   previously cached policy" (s3.1, s5.1). So a failed fetch, an invalid policy file, an absent
//   or invalid record and a failed lookup all keep applying a live cached policy.
// - With `fetch: null` (no permission to fetch policy files) a live cached policy still applies,
//   even under a newer id: it is what the sender's cache would hold until it can refresh.
import type { Diagnostic, DnsResult, FetchLike, MtaStsEvidence, MtaStsPolicy, Resolver } from '../types.ts';
import { isCacheEntryLive, type CachedPolicy, type PolicyCache } from './cache.ts';
import { fetchMtaStsPolicy, mtaStsPolicyUrl } from './fetch.ts';
import { describeEde, isDnssecFailure } from '../dns/codes.ts';
import { capAtWord } from '../text.ts';
import { capDiagnostic, capText, capWarnings, MAX_LIST } from './limits.ts';
import { parseMtaStsPolicy } from './policy.ts';
import { RECORD_NONE, parseMtaStsRecords } from './record.ts';

export interface MtaStsDiscovery {
  evidence: MtaStsEvidence;
  /** The policy to apply, from a fetch or from the cache; null when none applies. */
  policy: MtaStsPolicy | null;
  /** Seconds the result may be reused. */
  ttl: number;
}

export interface MtaStsDiscoveryDeps {
  resolver: Resolver;
  /** null: not allowed to fetch policy files; judge from DNS (and the cache) alone. */
  fetch: FetchLike | null;
  cache?: PolicyCache;
  /** Epoch milliseconds; injected for tests. */
  now?: () => number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Ask `resolver` for the A and AAAA records of `mta-sts.<domain>` at the same time as the
   * `_mta-sts` TXT record, so that a policy fetch that resolves its host through the same
   * (caching) resolver finds the addresses ready instead of asking after the TXT answer: one
   * round trip less on the critical path (TXT, then TCP + TLS + GET). The answers are simply not
   * used when no policy is announced. Default off: it only helps where the fetch resolves names
   * through this resolver (CLI, lookup service), never in a browser, whose fetch resolves
   * through the browser (the queries would be wasted).
   */
  prefetchPolicyHost?: boolean;
}

/** RFC 8461 s3.3: after a failed fetch, wait at least five minutes before trying that id again. */
export const FAILURE_TTL = 300;
/** A failed DNS lookup is retried soon. */
export const LOOKUP_FAILED_TTL = 60;
/** s3.3: refresh cached policies proactively, "once per day" being the suggestion. */
export const MAX_TTL = 86_400;
/** Age after which a cached policy is fetched again even under an unchanged id (s3.3). */
export const REFRESH_AFTER_S = 86_400;

/** Seconds until a cached entry is due for its refresh (never negative). */
function refreshInS(entry: CachedPolicy, now: number): number {
  return Math.max(0, Math.floor((entry.fetchedAt + REFRESH_AFTER_S * 1000 - now) / 1000));
}

type RecordState = Pick<MtaStsEvidence, 'record' | 'id'> & { problem?: Diagnostic; ttl: number };

export async function discoverMtaSts(domain: string, deps: MtaStsDiscoveryDeps): Promise<MtaStsDiscovery> {
  const now = deps.now ?? Date.now;
  const txtQuery = queryTxt(deps.resolver, `_mta-sts.${domain}`, deps.signal);
  if (deps.prefetchPolicyHost && deps.fetch !== null) prefetchAddresses(deps.resolver, `mta-sts.${domain}`, deps.signal);
  const [txt, cachedEntry] = await Promise.all([txtQuery, readCache(deps.cache, domain)]);
  const warnings: Diagnostic[] = [];
  const recordState = classifyRecord(txt, warnings);
  const checkedAt = now();
  const cached = cachedEntry !== undefined && isCacheEntryLive(cachedEntry, checkedAt) ? cachedEntry : undefined;
  const policyUrl = mtaStsPolicyUrl(domain);

  const useCache = (entry: CachedPolicy, ttl: number, problem?: Diagnostic): MtaStsDiscovery => {
    const remaining = Math.floor((entry.expiresAt - checkedAt) / 1000);
    return finish({ record: recordState.record, id: recordState.id, policy: 'cached', policyUrl, problem }, entry.policy, Math.min(ttl, remaining), warnings);
  };

  if (recordState.record !== 'valid' || recordState.id === undefined) {
    if (cached) {
      warnings.push({
        code: 'mta-sts.cache.without-record',
        message: 'No usable MTA-STS record was found now, but senders that cached the policy keep applying it until it expires (RFC 8461 s5.1).',
      });
      return useCache(cached, recordState.ttl, recordState.problem);
    }
    return finish({ record: recordState.record, id: recordState.id, policy: 'not-applicable', problem: recordState.problem }, null, recordState.ttl, warnings);
  }
  const id = recordState.id;

  // s3.3: senders SHOULD refresh a cached policy (suggested: daily) even while the id stays the
  // same, so a policy changed without a new id is picked up eventually. A failed refresh keeps
  // the cached policy (below), as for a new id.
  const refreshDue = cached !== undefined && checkedAt - cached.fetchedAt >= REFRESH_AFTER_S * 1000;
  if (cached && cached.id === id && (!refreshDue || deps.fetch === null)) return useCache(cached, Math.min(recordState.ttl, deps.fetch === null ? Infinity : refreshInS(cached, checkedAt)));

  if (deps.fetch === null) {
    if (cached) {
      warnings.push({
        code: 'mta-sts.cache.new-id-not-fetched',
        message: `The record announces a new policy (id ${id}) that was not fetched; the cached policy (id ${cached.id}) still applies.`,
      });
      return useCache(cached, recordState.ttl);
    }
    return finish({ record: 'valid', id, policy: 'not-checked', policyUrl }, null, recordState.ttl, warnings);
  }

  const fetched = await fetchMtaStsPolicy(domain, { fetch: deps.fetch, timeoutMs: deps.timeoutMs, signal: deps.signal });
  let failure: { state: 'fetch-failed' | 'invalid'; problem: Diagnostic };
  if (fetched.ok) {
    const parsed = parseMtaStsPolicy(fetched.body);
    if (parsed.ok) {
      warnings.push(...parsed.warnings);
      const fetchedAt = now();
      const policy = parsed.policy;
      await storeFetched(deps.cache, domain, { id, policy, fetchedAt, expiresAt: fetchedAt + policy.maxAge * 1000 }, warnings);
      return finish({ record: 'valid', id, policy: 'fetched', policyUrl }, policy, Math.min(recordState.ttl, policy.maxAge), warnings);
    }
    failure = { state: 'invalid', problem: parsed.error };
  } else {
    failure = { state: 'fetch-failed', problem: { code: fetched.error.code, message: fetched.error.message } };
  }
  if (cached) {
    warnings.push(cached.id === id
      ? { code: 'mta-sts.cache.refresh-failed', message: `The daily refresh of the policy (id ${id}) failed, so senders keep applying their cached copy until it expires (RFC 8461 s3.3).` }
      : { code: 'mta-sts.cache.kept', message: `The new policy (id ${id}) could not be used, so senders keep applying their cached policy (id ${cached.id}) until it expires (RFC 8461 s3.3).` });
    return useCache(cached, FAILURE_TTL, failure.problem);
  }
  return finish({ record: 'valid', id, policy: failure.state, policyUrl, problem: failure.problem }, null, FAILURE_TTL, warnings);
}

/** Fire and forget: the answers land in the resolver's cache; a failure here changes nothing. */
function prefetchAddresses(resolver: Resolver, host: string, signal: AbortSignal | undefined): void {
  for (const type of ['A', 'AAAA'] as const) {
    try {
      resolver.query(host, type, signal).catch(() => undefined);
    } catch {
      // A resolver that throws synchronously: the policy fetch will ask (and fail) on its own.
    }
  }
}

async function queryTxt(resolver: Resolver, name: string, signal: AbortSignal | undefined): Promise<DnsResult<'TXT'> | { outcome: 'error'; error: string }> {
  try {
    return await resolver.query(name, 'TXT', signal);
  } catch (error) {
    return { outcome: 'error', error: error instanceof Error ? error.message : String(error) };
  }
}

async function readCache(cache: PolicyCache | undefined, domain: string): Promise<CachedPolicy | undefined> {
  try {
    return await cache?.get(domain);
  } catch {
    return undefined; // a broken cache must not break the check; it just knows nothing
  }
}

async function storeFetched(cache: PolicyCache | undefined, domain: string, entry: CachedPolicy, warnings: Diagnostic[]): Promise<void> {
  if (!cache) return;
  try {
    // max_age 0 means "do not cache"; the new policy still replaces any older entry.
    if (entry.policy.maxAge > 0) await cache.set(domain, entry);
    else await cache.delete(domain);
  } catch {
    warnings.push({ code: 'mta-sts.cache.write-failed', message: 'The fetched policy could not be stored in the cache.' });
  }
}

function classifyRecord(txt: Awaited<ReturnType<typeof queryTxt>>, warnings: Diagnostic[]): RecordState {
  switch (txt.outcome) {
    case 'answer': {
      const ttl = 'ttl' in txt ? txt.ttl : LOOKUP_FAILED_TTL;
      const parsed = parseMtaStsRecords('records' in txt ? txt.records : []);
      if (parsed.ok) {
        warnings.push(...parsed.warnings);
        return { record: 'valid', id: parsed.id, ttl };
      }
      return { record: parsed.error.code === RECORD_NONE ? 'absent' : 'invalid', problem: parsed.error, ttl };
    }
    case 'nodata':
    case 'nxdomain':
      return { record: 'absent', ttl: 'ttl' in txt ? txt.ttl : LOOKUP_FAILED_TTL };
    default: {
      const ede = 'ede' in txt ? txt.ede : undefined;
      if (txt.outcome === 'servfail' && isDnssecFailure(ede) && ede) {
        // A DNSSEC failure of the zone (RFC 8914): validating senders cannot read the record.
        return {
          record: 'lookup-failed',
          problem: { code: 'mta-sts.record.dnssec-failure', message: `The MTA-STS record fails DNSSEC validation (${describeEde(ede)}).` },
          ttl: LOOKUP_FAILED_TTL,
        };
      }
      const detail = 'error' in txt && txt.error ? ` (${capAtWord(capText(txt.error, 400), 200)})` : '';
      return {
        record: 'lookup-failed',
        problem: { code: 'mta-sts.record.lookup-failed', message: `The MTA-STS record could not be looked up: ${txt.outcome}${detail}.` },
        ttl: LOOKUP_FAILED_TTL,
      };
    }
  }
}

function finish(
  base: Pick<MtaStsEvidence, 'record' | 'id' | 'policy' | 'policyUrl' | 'problem'>,
  policy: MtaStsPolicy | null,
  ttl: number,
  warnings: Diagnostic[],
): MtaStsDiscovery {
  const evidence: MtaStsEvidence = { record: base.record, policy: base.policy, warnings: [] };
  if (base.id !== undefined) evidence.id = base.id;
  if (base.policyUrl !== undefined) evidence.policyUrl = base.policyUrl;
  if (base.problem !== undefined) evidence.problem = capDiagnostic({ code: base.problem.code, message: base.problem.message });
  if (policy) {
    evidence.mode = policy.mode;
    evidence.maxAge = policy.maxAge;
    evidence.mx = policy.mx.slice(0, MAX_LIST).map((p) => capText(p));
    if (policy.mx.length > MAX_LIST) {
      warnings.push({ code: 'mta-sts.policy.mx-truncated', message: `The policy lists ${policy.mx.length} mx patterns; only the first ${MAX_LIST} are shown.` });
    }
  }
  evidence.warnings = capWarnings(warnings);
  return { evidence, policy, ttl: Math.max(0, Math.min(Math.floor(ttl), MAX_TTL)) };
}
