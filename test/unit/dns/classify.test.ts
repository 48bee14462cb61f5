import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/core/dns/index.ts';
import type { DnsClass, DnsOutcome } from '../../../src/core/types.ts';

describe('classify (RFC 4035 s3.2.3; RFC 6840 s5.8)', () => {
  it.each<[DnsOutcome, boolean, DnsClass]>([
    ['answer', true, 'secure'],
    ['answer', false, 'insecure'],
    ['nodata', true, 'secure-denial'],
    ['nodata', false, 'insecure-denial'],
    ['nxdomain', true, 'nxdomain'],
    ['nxdomain', false, 'nxdomain'],
    ['servfail', false, 'servfail'],
    ['timeout', false, 'timeout'],
    ['error', false, 'error'],
  ])('%s with AD=%s is %s', (outcome, secure, expected) => {
    expect(classify({ name: 'example.com', type: 'MX', outcome, secure, records: [], ttl: 0, cnames: [] })).toBe(expected);
  });
});
