// Names for RCODEs (RFC 1035 s4.1.1, RFC 6891 s9, IANA "DNS RCODEs") and Extended DNS Error
// INFO-CODEs (RFC 8914 s4, IANA "Extended DNS Error Codes"), and which EDEs say that DNSSEC
// validation of the zone failed (docs/decisions.md "Engine": EDE mapping).
import type { ExtendedDnsError } from './wire-scan.ts';

export const RCODE_NOERROR = 0;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;

const RCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
  11: 'DSOTYPENI',
  16: 'BADVERS',
  17: 'BADKEY',
  18: 'BADTIME',
  19: 'BADMODE',
  20: 'BADNAME',
  21: 'BADALG',
  22: 'BADTRUNC',
  23: 'BADCOOKIE',
};

export function rcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `RCODE ${rcode}`;
}

export const EDE_NAMES: Readonly<Record<number, string>> = {
  0: 'Other Error',
  1: 'Unsupported DNSKEY Algorithm',
  2: 'Unsupported DS Digest Type',
  3: 'Stale Answer',
  4: 'Forged Answer',
  5: 'DNSSEC Indeterminate',
  6: 'DNSSEC Bogus',
  7: 'Signature Expired',
  8: 'Signature Not Yet Valid',
  9: 'DNSKEY Missing',
  10: 'RRSIGs Missing',
  11: 'No Zone Key Bit Set',
  12: 'NSEC Missing',
  13: 'Cached Error',
  14: 'Not Ready',
  15: 'Blocked',
  16: 'Censored',
  17: 'Filtered',
  18: 'Prohibited',
  19: 'Stale NXDomain Answer',
  20: 'Not Authoritative',
  21: 'Not Supported',
  22: 'No Reachable Authority',
  23: 'Network Error',
  24: 'Invalid Data',
  25: 'Signature Expired before Valid',
  26: 'Too Early',
  27: 'Unsupported NSEC3 Iterations Value',
  28: 'Unable to conform to policy',
  29: 'Synthesized',
  30: 'Invalid Query Type',
};

/**
 * INFO-CODEs that report a DNSSEC validation failure of the zone itself: RFC 8914 codes 1-2 and
 * 5-12 (3 "Stale Answer" and 4 "Forged Answer" are not about DNSSEC), plus the later registry
 * entries 25 (signature validity period inverted) and 27 (NSEC3 iterations above what
 * validators accept, RFC 9276 s3.2).
 */
const DNSSEC_FAILURE_CODES: ReadonlySet<number> = new Set([1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 25, 27]);

export function isDnssecFailure(ede: { code: number } | undefined): boolean {
  return ede !== undefined && DNSSEC_FAILURE_CODES.has(ede.code);
}

/** The EDE a result should carry: the first DNSSEC one, else the first one. */
export function primaryEde(list: readonly ExtendedDnsError[]): ExtendedDnsError | undefined {
  return list.find(isDnssecFailure) ?? list[0];
}

/** "EDE 6, DNSSEC Bogus: <text>" for reasons and errors. */
export function describeEde(ede: { code: number; text?: string }): string {
  const name = EDE_NAMES[ede.code];
  const head = name ? `EDE ${ede.code}, ${name}` : `EDE ${ede.code}`;
  return ede.text ? `${head}: ${ede.text}` : head;
}
