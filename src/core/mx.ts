// MX answer -> the hosts a sending server would try (standards.md checklist B1-B8, section 0).
// Pure: takes the DnsResult of the MX query, does no lookups itself.

import { normalizeDomain } from './address.ts';
import type { Diagnostic, DnsClass, DnsResult } from './types.ts';

export interface MxHost {
  /** Lower-case A-labels, no trailing dot. */
  host: string;
  preference: number;
}

export type MxInterpretation =
  | {
      kind: 'hosts';
      /**
       * Lowest preference first (RFC 5321 s5.1); equal preferences keep the DNS order.
       * Deduplicated. May be EMPTY when every target was unusable (an IP address, an invalid
       * name): then no host can receive mail (B9), see `warnings`.
       */
      hosts: MxHost[];
      /**
       * No MX RRset (NODATA): the domain itself at preference 0 (RFC 5321 s5.1, B2). The caller
       * must check that it has A/AAAA records; without any, the domain is undeliverable.
       */
      implicit: boolean;
      /** AD bit of the MX answer (or of the NODATA denial for an implicit MX). */
      secure: boolean;
      warnings: Diagnostic[];
    }
  /** RFC 7505: the domain states it accepts no mail (B6). */
  | { kind: 'null-mx' }
  /** The domain does not exist (B3); not an implicit MX. */
  | { kind: 'nxdomain' }
  /** SERVFAIL, timeout or resolver error: temporary, the verdict is unknown (B4). */
  | { kind: 'failed'; outcome: DnsClass };

// Dotted-quad IPv4, or anything with a ':' (IPv6), possibly in brackets (B7).
const IP_TARGET = /^\[?(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]*:[0-9a-f:.]*)\]?$/i;

export function interpretMx(result: DnsResult<'MX'>, domain: string): MxInterpretation {
  switch (result.outcome) {
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
  }
  if (result.records.length === 0) return implicitMx(result, domain);

  const warnings: Diagnostic[] = [];
  const real = result.records.filter((record) => record.exchange !== '' && record.exchange !== '.');
  if (real.length === 0) {
    // RFC 7505 s3: a null MX is one record, preference 0, exchange '.'. Several '.' records or
    // another preference are outside the RFC but say the same thing: no host accepts mail.
    return { kind: 'null-mx' };
  }
  if (real.length < result.records.length) {
    // RFC 7505 s3: a domain with a null MX "MUST NOT advertise any other MX RR". Senders differ
    // on a mixed set (standards B6); section 0 decides: ignore the '.' entry and warn.
    warnings.push({
      code: 'mx.null-mixed',
      message: 'The domain publishes a null MX ("accepts no mail") together with real MX hosts; the null MX was ignored.',
    });
  }

  const byHost = new Map<string, MxHost>();
  for (const record of real) {
    const target = record.exchange.trim().toLowerCase().replace(/\.$/, '');
    if (IP_TARGET.test(target)) {
      // B7: an MX target must be a host name (RFC 5321 s5.1); DANE and MTA-STS cannot apply.
      warnings.push({ code: 'mx.ip-target', message: `The MX record "${capped(target)}" is an IP address, not a host name; it was ignored.` });
      continue;
    }
    // U-labels become A-labels, so that MTA-STS matching and TLSA names use one form.
    const normalized = normalizeDomain(target);
    if (!normalized.ok) {
      warnings.push({ code: 'mx.invalid-target', message: `The MX record "${capped(target)}" is not a valid host name; it was ignored.` });
      continue;
    }
    const preference = Number.isInteger(record.preference) && record.preference >= 0 ? record.preference : 65535;
    const seen = byHost.get(normalized.domain);
    if (!seen) byHost.set(normalized.domain, { host: normalized.domain, preference });
    else if (preference < seen.preference) seen.preference = preference;
  }
  const hosts = [...byHost.values()].sort((a, b) => a.preference - b.preference); // stable (ES2019)
  return { kind: 'hosts', hosts, implicit: false, secure: result.secure, warnings };
}

function implicitMx(result: DnsResult<'MX'>, domain: string): MxInterpretation {
  return { kind: 'hosts', hosts: [{ host: domain, preference: 0 }], implicit: true, secure: result.secure, warnings: [] };
}

/** The host names to look up addresses and TLSA for; [] unless the domain has hosts. */
export function mxHostNames(mx: MxInterpretation): string[] {
  return mx.kind === 'hosts' ? mx.hosts.map((entry) => entry.host) : [];
}

/** MX data comes from the network: keep what a message quotes short. */
function capped(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
