// The domain-level DANE conclusion (RFC 7672 s2.2; docs/decisions.md "Engine").

import { describe, expect, it } from 'vitest';
import { summarizeDane } from '../../../src/core/dane/index.ts';
import type { DaneHostStatus } from '../../../src/core/types.ts';

const evidence = (mxSecure: boolean, ...statuses: DaneHostStatus[]) => ({
  mxSecure,
  hosts: statuses.map((status, i) => ({ host: `mx${i}.example.org`, status, usages: [] })),
});

describe('summarizeDane', () => {
  it('RFC 7672 s2.2: all only when the MX is signed and EVERY host has usable TLSA', () => {
    expect(summarizeDane(evidence(true, 'dane', 'dane'))).toBe('all');
    expect(summarizeDane(evidence(true, 'dane', 'insecure'))).toBe('partial'); // dane-09
    expect(summarizeDane(evidence(true, 'dane', 'no-tlsa'))).toBe('partial');
  });

  it('RFC 7672 s2.1.1: a failed lookup is never "no TLSA": unknown unless the other hosts settle it', () => {
    expect(summarizeDane(evidence(true, 'dane', 'lookup-failed'))).toBe('unknown'); // all or partial
    expect(summarizeDane(evidence(true, 'lookup-failed'))).toBe('unknown');
    expect(summarizeDane(evidence(true, 'no-tlsa', 'lookup-failed'))).toBe('unknown'); // partial or none
    expect(summarizeDane(evidence(true, 'dane', 'no-tlsa', 'lookup-failed'))).toBe('partial'); // never all, never none
    expect(summarizeDane(evidence(false, 'dane', 'lookup-failed'))).toBe('partial'); // MX unsigned: never all
  });

  it('complete: false (hosts beyond the lookup cap, invalid names) is never all', () => {
    expect(summarizeDane(evidence(true, 'dane', 'dane'), { complete: false })).toBe('partial');
    expect(summarizeDane(evidence(true, 'dane', 'lookup-failed'), { complete: false })).toBe('partial');
  });

  it('docs/decisions.md: "DANE (MX unsigned)" is never all', () => {
    expect(summarizeDane(evidence(false, 'dane', 'dane'))).toBe('partial');
  });

  it('RFC 7672 s2.2: unusable TLSA means TLS required but not authenticated: partial, not all', () => {
    expect(summarizeDane(evidence(true, 'unusable-tlsa'))).toBe('partial');
    expect(summarizeDane(evidence(true, 'dane', 'unusable-tlsa'))).toBe('partial');
  });

  it('RFC 7672 s2.1.1: any DNSSEC failure is reported as a failure, even next to DANE hosts', () => {
    expect(summarizeDane(evidence(true, 'dnssec-failure', 'dnssec-failure'))).toBe('failure'); // dane-07
    expect(summarizeDane(evidence(true, 'dane', 'dnssec-failure'))).toBe('failure');
  });

  it('none without any secure TLSA, or without hosts', () => {
    expect(summarizeDane(evidence(true, 'no-tlsa', 'insecure'))).toBe('none');
    expect(summarizeDane(evidence(true))).toBe('none');
  });

  it('ignoreHosts leaves unreachable hosts out of the count', () => {
    expect(summarizeDane(evidence(true, 'dane', 'no-tlsa'), { ignoreHosts: ['mx1.example.org'] })).toBe('all');
    expect(summarizeDane(evidence(true, 'no-tlsa'), { ignoreHosts: ['mx0.example.org'] })).toBe('none');
  });
});
