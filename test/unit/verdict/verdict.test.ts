// The verdict rules of DESIGN.md and docs/decisions.md "Engine", on hand-made evidence.
import { describe, expect, it } from 'vitest';
import { buildVerdict } from '../../../src/core/verdict.ts';
import type { Gathered } from '../../../src/core/assess.ts';
import type { DaneHostStatus, DnsResult, MtaStsPolicy, SenderCapabilities } from '../../../src/core/types.ts';

const NOW = 1_800_000_000_000;
const mxAnswer: DnsResult<'MX'> = { name: 'r.test', type: 'MX', outcome: 'answer', secure: true, records: [], ttl: 300, cnames: [] };

function gathered(opts: {
  hosts?: string[];
  policy?: Partial<MtaStsPolicy> | null;
  record?: 'absent' | 'valid' | 'invalid' | 'lookup-failed';
  policyState?: 'not-checked' | 'fetched' | 'fetch-failed' | 'invalid' | 'not-applicable';
  dane?: DaneHostStatus[];
  mxSecure?: boolean;
}): Gathered {
  const hosts = opts.hosts ?? ['mx1.r.test', 'mx2.r.test'];
  const policy = opts.policy === undefined || opts.policy === null ? null : { version: 'STSv1' as const, mode: 'enforce' as const, mx: ['*.r.test'], maxAge: 86400, ...opts.policy };
  return {
    domain: 'r.test',
    display: 'r.test',
    mxResult: mxAnswer,
    mx: { kind: 'hosts', hosts: hosts.map((host, i) => ({ host, preference: 10 * (i + 1) })), implicit: false, secure: opts.mxSecure ?? true, warnings: [] },
    dane: {
      evidence: { mxSecure: opts.mxSecure ?? true, hosts: hosts.map((host, i) => ({ host, status: opts.dane?.[i] ?? 'no-tlsa', usages: opts.dane?.[i] === 'dane' ? [3] : [] })) },
      ttl: 300,
      addressless: [],
    },
    mtaSts: {
      evidence: { record: opts.record ?? (policy ? 'valid' : 'absent'), policy: opts.policyState ?? (policy ? 'fetched' : 'not-applicable'), warnings: [] },
      policy,
      ttl: 300,
    },
    tlsRpt: { evidence: { record: 'absent', rua: [] }, ttl: 300, warnings: [] },
  };
}

const GMAIL: SenderCapabilities = { mtaSts: true, dane: false };
const M365: SenderCapabilities = { mtaSts: true, dane: true };
const NONE: SenderCapabilities = { mtaSts: false, dane: false };
const verdict = (g: Gathered, sender?: SenderCapabilities) => buildVerdict(g, sender, NOW);

describe('MTA-STS', () => {
  it('enforce with every MX matched is protected; without a known sender the reason says "if"', () => {
    const a = verdict(gathered({ policy: {} }));
    expect(a.level).toBe('protected');
    expect(a.reasons[0]!.message).toMatch(/if your mail provider honours MTA-STS/);
    expect(verdict(gathered({ policy: {} }), GMAIL).reasons[0]!.message).toMatch(/your mail provider enforces MTA-STS/);
  });

  it('a sender that does not enforce MTA-STS gets encrypted, not protected', () => {
    const a = verdict(gathered({ policy: {} }), NONE);
    expect(a.level).toBe('encrypted');
    expect(a.reasons[0]!.code).toBe('sender.does-not-enforce');
  });

  it('enforce matching some MX hosts is encrypted (partial); matching none is misconfigured', () => {
    expect(verdict(gathered({ policy: { mx: ['mx1.r.test'] } })).reasons[0]!.code).toBe('mta-sts.mx-partial');
    expect(verdict(gathered({ policy: { mx: ['mx1.r.test'] } })).level).toBe('encrypted');
    const none = verdict(gathered({ policy: { mx: ['other.test'] } }));
    expect(none.level).toBe('misconfigured');
    expect(none.evidence.mx.hosts.map((h) => h.mtaStsPattern)).toEqual([null, null]);
  });

  it('testing mode is encrypted; mode none is like no policy', () => {
    expect(verdict(gathered({ policy: { mode: 'testing' } })).level).toBe('encrypted');
    expect(verdict(gathered({ policy: { mode: 'none', mx: [] } })).level).toBe('unverified');
  });

  it('policy not checked (no permission) never gives protected', () => {
    const a = verdict(gathered({ policy: null, record: 'valid', policyState: 'not-checked' }), GMAIL);
    expect(a.level).toBe('encrypted');
    expect(a.reasons[0]!.code).toBe('mta-sts.policy-not-checked');
  });

  it('an announced policy that cannot be fetched or parsed is misconfigured', () => {
    expect(verdict(gathered({ policy: null, record: 'valid', policyState: 'fetch-failed' })).level).toBe('misconfigured');
    expect(verdict(gathered({ policy: null, record: 'valid', policyState: 'invalid' })).level).toBe('misconfigured');
    expect(verdict(gathered({ policy: null, record: 'invalid' })).level).toBe('misconfigured');
  });

  it('a failed _mta-sts lookup is unknown, retried soon', () => {
    const a = verdict(gathered({ policy: null, record: 'lookup-failed' }));
    expect(a.level).toBe('unknown');
    expect(a.expiresAt - a.checkedAt).toBeLessThanOrEqual(30_000);
  });
});

describe('DANE (RFC 7672 s2.2; RFC 8461 s2; docs/decisions.md)', () => {
  it('secure MX and usable TLSA on every host is protected for a DANE sender, encrypted for Gmail', () => {
    const g = gathered({ dane: ['dane', 'dane'] });
    expect(verdict(g, M365)).toMatchObject({ level: 'protected', mechanism: 'dane' });
    expect(verdict(g, GMAIL).level).toBe('encrypted');
  });

  it('DANE on some hosts only is encrypted (partial)', () => {
    expect(verdict(gathered({ dane: ['dane', 'no-tlsa'] })).reasons[0]!.code).toBe('dane.partial');
  });

  it('DANE with an unsigned MX answer is "DANE (MX unsigned)", not protected', () => {
    const a = verdict(gathered({ dane: ['dane', 'dane'], mxSecure: false }), M365);
    expect(a.level).toBe('encrypted');
    expect(a.reasons[0]!.code).toBe('dane.mx-unsigned');
  });

  it('RFC 8461 s2: a DNSSEC failure is misconfigured even with a valid MTA-STS enforce policy, for DANE senders', () => {
    const g = gathered({ dane: ['dnssec-failure', 'dane'], policy: {} });
    expect(verdict(g, M365).level).toBe('misconfigured');
    expect(verdict(g).level).toBe('misconfigured');
    // Gmail does not do DANE: MTA-STS decides, the DANE failure stays a warning.
    const gmail = verdict(g, GMAIL);
    expect(gmail.level).toBe('protected');
    expect(gmail.reasons.some((r) => r.code === 'dane.dnssec-failure' && r.severity === 'warning')).toBe(true);
  });

  it('DANE lookups that failed are unknown, never protected', () => {
    expect(verdict(gathered({ dane: ['dane', 'lookup-failed'] }), M365).level).toBe('unknown');
  });
});

describe('providers and MX', () => {
  it('a known provider lifts unverified to encrypted, never to protected', () => {
    const a = verdict(gathered({ hosts: ['aspmx.l.google.com', 'alt1.aspmx.l.google.com'] }), M365);
    expect(a).toMatchObject({ level: 'encrypted', mechanism: 'provider', evidence: { provider: { id: 'google' } } });
  });

  it('one unknown host among provider hosts leaves it unverified', () => {
    expect(verdict(gathered({ hosts: ['aspmx.l.google.com', 'mx.unknown.test'] })).level).toBe('unverified');
  });

  it('null MX, NXDOMAIN and a failed MX lookup', () => {
    const base = gathered({});
    expect(verdict({ ...base, mx: { kind: 'null-mx' }, dane: null }).level).toBe('undeliverable');
    expect(verdict({ ...base, mx: { kind: 'nxdomain' }, dane: null }).level).toBe('undeliverable');
    const failed = verdict({ ...base, mxResult: { ...mxAnswer, outcome: 'servfail' }, mx: { kind: 'failed', outcome: 'servfail' }, dane: null });
    expect(failed.level).toBe('unknown');
    expect(failed.reasons[0]!.message).toMatch(/SERVFAIL/);
  });

  it('MX hosts without any address make the domain undeliverable; an implicit MX without address too', () => {
    const g = gathered({});
    expect(verdict({ ...g, dane: { ...g.dane!, addressless: ['mx1.r.test', 'mx2.r.test'] } }).reasons[0]!.code).toBe('mx.no-address');
    const implicit = gathered({ hosts: ['r.test'] });
    implicit.mx = { kind: 'hosts', hosts: [{ host: 'r.test', preference: 0 }], implicit: true, secure: false, warnings: [] };
    implicit.dane = { ...implicit.dane!, addressless: ['r.test'] };
    expect(verdict(implicit)).toMatchObject({ level: 'undeliverable', reasons: [{ code: 'mx.none' }] });
  });
});
