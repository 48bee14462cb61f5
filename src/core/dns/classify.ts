// The eight-way view of a DNS result that verdict logic reasons with (RFC 4035 s3.2.3; RFC 6840 s5.8).
import type { DnsClass, DnsResult } from '../types.ts';

/**
 * - answer: `secure` with the AD bit, else `insecure`;
 * - NODATA: `secure-denial` with the AD bit, else `insecure-denial`;
 * - NXDOMAIN, SERVFAIL (which includes DNSSEC-bogus answers from a validating resolver),
 *   timeout and error map to themselves.
 */
export function classify(result: DnsResult): DnsClass {
  switch (result.outcome) {
    case 'answer':
      return result.secure ? 'secure' : 'insecure';
    case 'nodata':
      return result.secure ? 'secure-denial' : 'insecure-denial';
    case 'nxdomain':
      return 'nxdomain';
    case 'servfail':
      return 'servfail';
    case 'timeout':
      return 'timeout';
    default:
      return 'error';
  }
}
