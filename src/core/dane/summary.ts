// The domain-level DANE conclusion (standards.md I8, I9, section 0).

import type { DaneEvidence } from '../types.ts';

/**
 * - `all`: the MX answer is DNSSEC-secure and EVERY considered host has secure, usable TLSA
 *   (I8): a DANE sender authenticates whichever host it picks.
 * - `failure`: at least one host had a DNSSEC failure (SERVFAIL in a signed zone, I9): DANE
 *   senders skip or defer that host. Ranked above the others because it is a broken
 *   configuration the user should hear about, even when other hosts have DANE.
 * - `partial`: some DANE is published but it does not cover the domain: the MX answer is
 *   unsigned ("DANE (MX unsigned)", section 0), or some hosts lack usable TLSA, or some host has
 *   only unusable TLSA (TLS mandatory there, but not authenticated), or a host's lookup failed.
 * - `none`: no host has secure TLSA records (or there are no hosts).
 *
 * `ignoreHosts` lists hosts no sender can use (DaneResult.addressless, standards B9); they do
 * not count for or against DANE. A `lookup-failed` host (timeout, resolver error) prevents `all`
 * without proving anything else: the verdict should treat it as "could not check".
 */
export type DaneSummary = 'all' | 'partial' | 'none' | 'failure';

export function summarizeDane(evidence: DaneEvidence, options: { ignoreHosts?: readonly string[] } = {}): DaneSummary {
  const ignored = new Set(options.ignoreHosts ?? []);
  const hosts = evidence.hosts.filter((host) => !ignored.has(host.host));
  if (hosts.some((host) => host.status === 'dnssec-failure')) return 'failure';
  if (hosts.length === 0) return 'none';
  if (evidence.mxSecure && hosts.every((host) => host.status === 'dane')) return 'all';
  if (hosts.some((host) => host.status === 'dane' || host.status === 'unusable-tlsa')) return 'partial';
  return 'none';
}
