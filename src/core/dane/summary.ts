// The domain-level DANE conclusion (RFC 7672 s2.2, s3; docs/decisions.md "Engine").

import type { DaneEvidence } from '../types.ts';

/**
 * - `all`: the MX answer is DNSSEC-secure and EVERY host that must be covered has secure, usable
 *   TLSA: a DANE sender authenticates whichever host it picks.
 * - `failure`: at least one host had a DNSSEC failure (a SERVFAIL with a DNSSEC Extended DNS
 *   Error): DANE senders skip or defer that host. Ranked first because it is a broken
 *   configuration the user should hear about, even when other hosts have DANE.
 * - `partial`: some DANE is published but it does not cover the domain: the MX answer is
 *   unsigned ("DANE, MX unsigned"), some hosts lack usable TLSA, some host has only unusable
 *   TLSA (TLS mandatory there, but not authenticated), or not every host could be evaluated
 *   (`complete: false`). Settled even when other lookups failed, as long as it can be neither
 *   `all` nor `none` whatever they would have said.
 * - `unknown`: a host's lookups failed (timeout, resolver error, SERVFAIL without a DNSSEC EDE)
 *   and the other hosts do not settle the answer: the failure is never read as "no TLSA"
 *   (RFC 7672 s2.1.1).
 * - `none`: no host has secure TLSA records (or there are no hosts).
 *
 * `ignoreHosts` lists hosts no sender can use AND that DANE need not cover: only hosts whose
 * lack of any address is a DNSSEC-secure denial (DaneResult.deniedSecurely). `complete: false`
 * says that hosts exist beyond `evidence.hosts` (the lookup cap, invalid names): never `all`.
 */
export type DaneSummary = 'all' | 'partial' | 'none' | 'failure' | 'unknown';

export interface DaneSummaryOptions {
  ignoreHosts?: readonly string[];
  complete?: boolean;
}

export function summarizeDane(evidence: DaneEvidence, options: DaneSummaryOptions = {}): DaneSummary {
  const ignored = new Set(options.ignoreHosts ?? []);
  const hosts = evidence.hosts.filter((host) => !ignored.has(host.host));
  if (hosts.some((host) => host.status === 'dnssec-failure')) return 'failure';
  if (hosts.length === 0) return 'none';
  const known = hosts.filter((host) => host.status !== 'lookup-failed');
  const someDane = known.some((host) => host.status === 'dane' || host.status === 'unusable-tlsa');
  const canBeAll = evidence.mxSecure && options.complete !== false && known.every((host) => host.status === 'dane');
  if (known.length === hosts.length) {
    if (canBeAll) return 'all';
    return someDane ? 'partial' : 'none';
  }
  // Some lookups failed: only a conclusion that those hosts cannot change is given.
  return someDane && !canBeAll ? 'partial' : 'unknown';
}
