// MX answer -> the hosts a sending server would try (RFC 5321 s5.1, RFC 7505, RFC 7672 s2.2.1).
// Pure: takes the DnsResult of the MX query, does no lookups itself.
//
// Every target the answer lists is judged (docs/decisions.md "Engine": MX targets): a target
// that is a valid DNS name is a host to look up and to cover, `_` or not; only an IP address
// in place of a name is set aside (RFC 5321 s5.1 wants a domain name; RFC 7672 s2.2 and
// RFC 8461 s4.1 cannot apply to it); a target that is not even a valid DNS name cannot be
// looked up by anyone and makes coverage impossible.

import { normalizeName } from './dns/names.ts';
import { capText } from './mta-sts/limits.ts';
import type { Diagnostic, DnsClass, DnsResult } from './types.ts';

export interface MxHost {
  /** Lower-case, A-labels, no trailing dot. */
  host: string;
  preference: number;
}

/**
 * At most this many MX hosts (lowest preference first) have their A, AAAA and TLSA looked up:
 * 3 queries each, all in one round trip. Beyond it DANE cannot be confirmed for every host, so
 * only MTA-STS patterns that match every listed name can protect (docs/decisions.md "Engine").
 */
export const MAX_MX_LOOKUPS = 32;
/** Names quoted in one aggregated warning. */
const QUOTED = 3;

export type MxInterpretation =
  | {
      kind: 'hosts';
      /**
       * Valid host names, lowest preference first (RFC 5321 s5.1); equal preferences keep the
       * DNS order. Deduplicated. May be EMPTY when every target was an IP address or an invalid
       * name: then no host can receive mail, see `warnings`.
       */
      hosts: MxHost[];
      /**
       * Targets that are not valid DNS names (a label over 63 octets, characters no DNS name
       * has, an IDN that cannot be converted): never looked up, never covered by any policy.
       * Their `host` is the target as listed, control characters replaced, capped.
       */
      invalid?: MxHost[];
      /**
       * No MX RRset (NODATA): the domain itself at preference 0 (RFC 5321 s5.1). The caller
       * must check that it has A/AAAA records; without any, the domain is undeliverable.
       */
      implicit: boolean;
      /** AD bit of the MX answer (or of the NODATA denial for an implicit MX). */
      secure: boolean;
      warnings: Diagnostic[];
    }
  /** RFC 7505: the domain states it accepts no mail. */
  | { kind: 'null-mx' }
  /** The domain does not exist (RFC 5321 s5.1); not an implicit MX. */
  | { kind: 'nxdomain' }
  /** SERVFAIL, timeout or resolver error: the verdict is unknown, or misconfigured for a DNSSEC failure. */
  | { kind: 'failed'; outcome: DnsClass };

// A dotted-quad IPv4 address, or anything with a ':' (IPv6), possibly in brackets. Linear: one
// anchored pass over a name of at most 255 octets.
const IP_TARGET = /^\[?(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]*:[0-9a-f:.]*)\]?$/i;

export function interpretMx(result: DnsResult<'MX'>, domain: string): MxInterpretation {
  switch (result?.outcome) {
    case 'nxdomain':
      return { kind: 'nxdomain' };
    case 'servfail':
    case 'timeout':
    case 'error':
      return { kind: 'failed', outcome: result.outcome };
    case 'nodata':
      return implicitMx(result, domain);
    case 'answer':
      break;
    default:
      return { kind: 'failed', outcome: 'error' };
  }
  const records = Array.isArray(result.records) ? result.records : [];
  if (records.length === 0) return implicitMx(result, domain);

  const warnings: Diagnostic[] = [];
  const targetOf = (record: unknown): string => {
    const exchange = (record as { exchange?: unknown } | null)?.exchange;
    return typeof exchange === 'string' ? exchange : '';
  };
  const real = records.filter((record) => targetOf(record) !== '' && targetOf(record) !== '.');
  if (real.length === 0) {
    // RFC 7505 s3: a null MX is one record, preference 0, exchange '.'. Several '.' records or
    // another preference are outside the RFC but say the same thing: no host accepts mail.
    return { kind: 'null-mx' };
  }
  if (real.length < records.length) {
    // RFC 7505 s3: a domain with a null MX "MUST NOT advertise any other MX RR". Senders differ
    // on a mixed set; docs/decisions.md "Engine" decides: ignore the '.' entry and warn.
    warnings.push({
      code: 'mx.null-mixed',
      message: 'The domain publishes a null MX ("accepts no mail") together with real MX hosts; the null MX was ignored.',
    });
  }

  const byHost = new Map<string, MxHost>();
  const invalid = new Map<string, MxHost>();
  const ipTargets: string[] = [];
  for (const record of real) {
    const target = targetOf(record).trim().toLowerCase().replace(/\.$/, '');
    const raw = (record as { preference?: unknown }).preference;
    const preference = typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 65535 ? raw : 65535;
    if (IP_TARGET.test(target)) {
      ipTargets.push(target);
      continue;
    }
    const host = hostName(target);
    if (host === null) {
      const shown = capText(target, 80);
      if (!invalid.has(shown)) invalid.set(shown, { host: shown, preference });
      continue;
    }
    const seen = byHost.get(host);
    if (!seen) byHost.set(host, { host, preference });
    else if (preference < seen.preference) seen.preference = preference;
  }
  if (ipTargets.length > 0) {
    warnings.push({
      code: 'mx.ip-target',
      message: `${ipTargets.length === 1 ? 'The MX record' : `${ipTargets.length} MX records`} ${quoteList(ipTargets)} ${ipTargets.length === 1 ? 'is an IP address' : 'are IP addresses'}, not a host name; ignored (RFC 5321 s5.1).`,
    });
  }
  const invalidHosts = [...invalid.values()].sort((a, b) => a.preference - b.preference);
  if (invalidHosts.length > 0) {
    warnings.push({
      code: 'mx.invalid-target',
      message: `${invalidHosts.length === 1 ? 'The MX target' : `${invalidHosts.length} MX targets`} ${quoteList(invalidHosts.map((h) => h.host))} ${invalidHosts.length === 1 ? 'is not a valid host name' : 'are not valid host names'}: no sender can look ${invalidHosts.length === 1 ? 'it' : 'them'} up, and no policy can cover ${invalidHosts.length === 1 ? 'it' : 'them'}.`,
    });
  }
  const hosts = [...byHost.values()].sort((a, b) => a.preference - b.preference); // stable (ES2019)
  const interpretation: MxInterpretation = { kind: 'hosts', hosts, implicit: false, secure: result.secure === true, warnings };
  if (invalidHosts.length > 0) interpretation.invalid = invalidHosts;
  return interpretation;
}

/**
 * The target as a host name to look up (lower-case A-labels), or null when it is not a valid
 * DNS name. Unlike a recipient domain (address.ts) it need not be LDH: `_` and single labels
 * are names a sender will look up. U-labels (from a non-wire source) become A-labels, so that
 * MTA-STS matching and TLSA names use one form.
 */
function hostName(target: string): string | null {
  let name = target;
  if (/[\u0080-\uffff]/.test(name)) {
    if (/[^A-Za-z0-9._\-\u0080-\uffff]/.test(name)) return null;
    try {
      name = new URL(`http://${name}`).hostname.replace(/\.$/, '');
    } catch {
      return null;
    }
  }
  const checked = normalizeName(name);
  return checked.ok ? checked.name : null;
}

function implicitMx(result: DnsResult<'MX'>, domain: string): MxInterpretation {
  return { kind: 'hosts', hosts: [{ host: domain, preference: 0 }], implicit: true, secure: result.secure === true, warnings: [] };
}

/** The host names to look up addresses and TLSA for; [] unless the domain has hosts. */
export function mxHostNames(mx: MxInterpretation): string[] {
  return mx.kind === 'hosts' ? mx.hosts.map((entry) => entry.host) : [];
}

/** The hosts whose addresses and TLSA are looked up: the first MAX_MX_LOOKUPS. */
export function mxHostsToLookUp(mx: MxInterpretation): string[] {
  return mxHostNames(mx).slice(0, MAX_MX_LOOKUPS);
}

/** `"a", "b", "c" and 4 more`, each quoted and capped: MX data comes from the network. */
function quoteList(items: readonly string[]): string {
  const shown = items.slice(0, QUOTED).map((item) => JSON.stringify(capText(item, 80))).join(', ');
  return items.length > QUOTED ? `${shown} and ${items.length - QUOTED} more` : shown;
}
