// The public parsers take data from the network and the page: input of the wrong type gives a
// defined error result, never an exception.
import { describe, expect, it } from 'vitest';
import { domainOfAddressOrDomain, normalizeDomain, parseRecipient } from '../../../src/core/address.ts';
import { isUsableTlsa } from '../../../src/core/dane/tlsa.ts';
import { mxMatchesPattern, policyMatches } from '../../../src/core/mta-sts/match.ts';
import { parseMtaStsPolicy } from '../../../src/core/mta-sts/policy.ts';
import { parseMtaStsRecords } from '../../../src/core/mta-sts/record.ts';
import { parseTlsRptRecords } from '../../../src/core/tls-rpt/record.ts';

const WRONG: unknown[] = [null, undefined, 1, true, {}, [], Symbol('s'), () => 1, new Uint8Array(2), Object.create(null)];
const call = <R>(fn: (x: never) => R, x: unknown): R => fn(x as never);

describe('wrong input types', () => {
  it.each(WRONG.map((x, i) => [`#${i} ${typeof x}`, x] as const))('parseMtaStsPolicy(%s) is ok:false', (_label, x) => {
    const result = call(parseMtaStsPolicy, x);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toMatch(/^mta-sts\.policy\./);
  });

  it('parseMtaStsRecords: non-array, null records, non-string strings', () => {
    for (const x of [undefined, null, 1, 'v=STSv1; id=1', [null], [undefined], [1], [[null]], [['v=STSv1; ', 1]], [{}]]) {
      const result = call(parseMtaStsRecords, x);
      expect(result.ok, JSON.stringify(x)).toBe(false);
      if (!result.ok) expect(result.error.code).toMatch(/^mta-sts\.record\./);
    }
  });

  it('parseTlsRptRecords: non-array, null records, non-string strings', () => {
    for (const x of [undefined, null, 1, 'v=TLSRPTv1; rua=mailto:a@b', [null], [undefined], [2], [[null]], [{}]]) {
      const result = call(parseTlsRptRecords, x);
      expect(result.ok, JSON.stringify(x)).toBe(false);
      if (!result.ok) expect(result.error.code).toMatch(/^tls-rpt\.record\./);
    }
  });

  it('mxMatchesPattern and policyMatches are false / null', () => {
    for (const a of WRONG) {
      expect(mxMatchesPattern(a as never, 'mx.example.com')).toBe(false);
      expect(mxMatchesPattern('*.example.com', a as never)).toBe(false);
      expect(policyMatches(a as never, 'mx.example.com')).toBeNull();
      expect(policyMatches({ mx: [a as never, '*.example.com'] }, 'mx.example.com')).toBe('*.example.com');
    }
    expect(mxMatchesPattern(1 as never, 1 as never)).toBe(false);
  });

  it('normalizeDomain, parseRecipient and domainOfAddressOrDomain give an error result', () => {
    for (const x of WRONG) {
      for (const fn of [normalizeDomain, parseRecipient, domainOfAddressOrDomain]) {
        const result = call(fn, x);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(typeof result.error.code).toBe('string');
      }
    }
  });

  it('isUsableTlsa of garbage is false', () => {
    for (const x of [...WRONG, { usage: 3, selector: 1, matchingType: 1, data: 5 }, { usage: '3', selector: 1, matchingType: 1, data: 'ab'.repeat(32) }]) {
      expect(call(isUsableTlsa, x)).toBe(false);
    }
  });
});
