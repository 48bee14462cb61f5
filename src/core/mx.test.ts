import { describe, expect, it } from 'vitest';
import { interpretMx, mxHostNames } from './mx.ts';
import type { DnsOutcome, DnsResult, MxRecord } from './types.ts';

function mxResult(records: [number, string][], options: { outcome?: DnsOutcome; secure?: boolean } = {}): DnsResult<'MX'> {
  const mx: MxRecord[] = records.map(([preference, exchange]) => ({ preference, exchange }));
  return {
    name: 'example.org',
    type: 'MX',
    outcome: options.outcome ?? (mx.length > 0 ? 'answer' : 'nodata'),
    secure: options.secure ?? false,
    records: mx,
    ttl: 300,
    cnames: [],
  };
}

describe('interpretMx', () => {
  it('RFC 5321 s5.1: hosts sorted by preference, equal preferences keep DNS order', () => {
    const mx = interpretMx(mxResult([[20, 'mx3.example.org'], [10, 'mx2.example.org'], [10, 'mx1.example.org'], [5, 'mx0.example.org']], { secure: true }), 'example.org');
    expect(mx).toEqual({
      kind: 'hosts',
      hosts: [
        { host: 'mx0.example.org', preference: 5 },
        { host: 'mx2.example.org', preference: 10 },
        { host: 'mx1.example.org', preference: 10 },
        { host: 'mx3.example.org', preference: 20 },
      ],
      implicit: false,
      secure: true,
      warnings: [],
    });
  });

  it('RFC 5321 s5.1: duplicates are merged at their lowest preference; case and trailing dots normalised', () => {
    const mx = interpretMx(mxResult([[20, 'MX.example.org.'], [10, 'mx.example.org'], [30, 'other.example.org']]), 'example.org');
    expect(mxHostNames(mx)).toEqual(['mx.example.org', 'other.example.org']);
    expect(mx).toMatchObject({ hosts: [{ host: 'mx.example.org', preference: 10 }, { host: 'other.example.org', preference: 30 }] });
  });

  it('RFC 5321 s5.1: NODATA means an implicit MX: the domain itself at preference 0', () => {
    expect(interpretMx(mxResult([], { secure: true }), 'example.org')).toEqual({
      kind: 'hosts', hosts: [{ host: 'example.org', preference: 0 }], implicit: true, secure: true, warnings: [],
    });
    expect(interpretMx(mxResult([]), 'example.org')).toMatchObject({ kind: 'hosts', implicit: true, secure: false });
  });

  it('RFC 5321 s5.1: NXDOMAIN is not an implicit MX', () => {
    expect(interpretMx(mxResult([], { outcome: 'nxdomain' }), 'example.org')).toEqual({ kind: 'nxdomain' });
  });

  it.each(['servfail', 'timeout', 'error'] as const)('RFC 5321 s5.1: %s is a failure, not "no MX"', (outcome) => {
    expect(interpretMx(mxResult([], { outcome }), 'example.org')).toEqual({ kind: 'failed', outcome });
    expect(mxHostNames(interpretMx(mxResult([], { outcome }), 'example.org'))).toEqual([]);
  });

  it('RFC 5321 s5.1: with MX records, the domain itself is not a candidate', () => {
    expect(mxHostNames(interpretMx(mxResult([[10, 'mx.example.net']]), 'example.org'))).toEqual(['mx.example.net']);
  });

  it('RFC 7505: a lone null MX means the domain accepts no mail', () => {
    expect(interpretMx(mxResult([[0, '']]), 'example.org')).toEqual({ kind: 'null-mx' });
    expect(interpretMx(mxResult([[0, '.']]), 'example.org')).toEqual({ kind: 'null-mx' });
  });

  it('RFC 7505 / docs/decisions.md: a null MX mixed with real hosts is ignored with a warning', () => {
    const mx = interpretMx(mxResult([[0, ''], [10, 'mx.example.org']]), 'example.org');
    expect(mx).toMatchObject({ kind: 'hosts', hosts: [{ host: 'mx.example.org', preference: 10 }], implicit: false });
    if (mx.kind === 'hosts') expect(mx.warnings.map((w) => w.code)).toEqual(['mx.null-mixed']);
  });

  it('RFC 5321 s5.1: IP-address targets are dropped with a warning (dane-11)', () => {
    const mx = interpretMx(mxResult([[10, '192.0.2.10'], [20, '[2001:db8::1]'], [30, 'mx.example.org']]), 'example.org');
    expect(mxHostNames(mx)).toEqual(['mx.example.org']);
    // One warning for all of them: a hostile MX set cannot flood the assessment.
    if (mx.kind === 'hosts') expect(mx.warnings.map((w) => w.code)).toEqual(['mx.ip-target']);

    const onlyIp = interpretMx(mxResult([[10, '192.0.2.10']], { secure: true }), 'example.org');
    expect(onlyIp).toMatchObject({ kind: 'hosts', hosts: [], implicit: false });
  });

  it('every target that is a valid DNS name is a host, LDH or not ("_", a single label)', () => {
    const mx = interpretMx(mxResult([[10, 'com'], [20, 'bad_host.example.org'], [30, 'mx.example.org']]), 'example.org');
    expect(mxHostNames(mx)).toEqual(['com', 'bad_host.example.org', 'mx.example.org']);
    expect(mx).toMatchObject({ warnings: [] });
  });

  it('targets that are not valid DNS names are kept apart as invalid, with one warning', () => {
    const long = `${'a'.repeat(64)}.example.org`;
    const mx = interpretMx(mxResult([[10, long], [20, 'a..example.org'], [25, 'sp ace.example.org'], [30, 'mx.example.org']]), 'example.org');
    expect(mxHostNames(mx)).toEqual(['mx.example.org']);
    if (mx.kind !== 'hosts') throw new Error('expected hosts');
    expect(mx.invalid?.map((h) => h.preference)).toEqual([10, 20, 25]);
    expect(mx.warnings.map((w) => w.code)).toEqual(['mx.invalid-target']);
    expect(mx.warnings[0]?.message).toMatch(/no policy can cover/);
  });

  it('a hostile MX set of thousands of targets gives bounded warnings', () => {
    const records: [number, string][] = Array.from({ length: 3000 }, (_, i) => [i, i % 2 ? `192.0.2.${i % 250}` : `${'x'.repeat(70)}${i}.example`]);
    const mx = interpretMx(mxResult(records), 'example.org');
    if (mx.kind !== 'hosts') throw new Error('expected hosts');
    expect(mx.warnings).toHaveLength(2);
    expect(mx.warnings.every((w) => w.message.length < 400)).toBe(true);
  });

  it('docs/decisions.md: U-label targets become A-labels', () => {
    expect(mxHostNames(interpretMx(mxResult([[10, 'mx.bücher.example']]), 'example.org'))).toEqual(['mx.xn--bcher-kva.example']);
  });

  it('keeps warning messages short for long network strings', () => {
    const mx = interpretMx(mxResult([[10, `${'a'.repeat(200)}_.example.org`]]), 'example.org');
    if (mx.kind !== 'hosts') throw new Error('expected hosts');
    expect(mx.invalid).toHaveLength(1);
    if (mx.kind !== 'hosts') throw new Error('expected hosts');
    expect(mx.warnings[0]?.message.length).toBeLessThan(200);
  });
});
