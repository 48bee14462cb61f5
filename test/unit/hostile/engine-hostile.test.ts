// A hostile recipient domain controls its own DNS answers and policy host. Whatever it does, the
// engine must never say `protected` wrongly, and a failed lookup is never "nothing published"
// (RFC 7672 s2.1.1, s2.2; RFC 8461 s4, s5; docs/decisions.md "Engine").
import { describe, expect, it } from 'vitest';
import { assessDomain } from '../../../src/core/assess.ts';
import { parseMtaStsPolicy } from '../../../src/core/mta-sts/policy.ts';
import type { Assessment, FetchLike, SenderCapabilities } from '../../../src/core/types.ts';
import { fakeResolver, type FakeAnswer } from '../dane/fake-resolver.ts';

const D = 'example.org';
const DANE_SENDER: SenderCapabilities = { mtaSts: true, dane: true };

const SECURE_MX = (...hosts: string[]): FakeAnswer => ({ ad: true, answer: hosts.map((h, i) => `${D}. MX ${10 * (i + 1)} ${h}.`) });

/** A signed host with usable DANE-EE TLSA. */
function daneHost(host: string): Record<string, FakeAnswer> {
  return {
    [`A ${host}`]: { ad: true, answer: [`${host}. A 192.0.2.10`] },
    [`AAAA ${host}`]: { ad: true },
    [`TLSA _25._tcp.${host}`]: { ad: true, answer: [`_25._tcp.${host}. TLSA 3 1 1 <sha256>`] },
  };
}

const STS_RECORD: Record<string, FakeAnswer> = { [`TXT _mta-sts.${D}`]: { answer: [`_mta-sts.${D}. TXT v=STSv1; id=1`] } };
/** An unsigned MX host with an address: reachable, no DANE. */
const PLAIN_HOST: Record<string, FakeAnswer> = { 'A mx1.example.org': { answer: ['mx1.example.org. A 192.0.2.20'] } };

function policyFetch(body: string): FetchLike {
  return async (url) => {
    if (url !== `https://mta-sts.${D}/.well-known/mta-sts.txt`) throw new TypeError('unexpected URL');
    return new Response(body, { status: 200, headers: { 'content-type': 'text/plain' } });
  };
}

const enforce = (...mx: string[]) => ['version: STSv1', 'mode: enforce', ...mx.map((m) => `mx: ${m}`), 'max_age: 86400', ''].join('\n');

async function assess(answers: Record<string, FakeAnswer>, options: { fetch?: FetchLike | null; sender?: SenderCapabilities } = {}) {
  const resolver = fakeResolver(answers);
  const assessment = await assessDomain(D, { resolver, fetch: options.fetch ?? null, sender: options.sender, now: () => 1_800_000_000_000 });
  return { assessment, calls: resolver.calls };
}

const codes = (a: Assessment) => a.reasons.map((r) => r.code);

describe('1. only a DNSSEC-secure denial removes a host from what DANE must cover', () => {
  it('an MX host whose "no address" answers are not signed stays in the DANE set: not protected', async () => {
    const { assessment } = await assess({
      [`MX ${D}`]: SECURE_MX('mx1.example.org', 'mx2.example.org'),
      ...daneHost('mx1.example.org'),
      'A mx2.example.org': { ad: false },
      'AAAA mx2.example.org': { rcode: 'NXDOMAIN', ad: false },
    }, { sender: DANE_SENDER });
    expect(assessment.level).not.toBe('protected');
    expect(assessment.level).toBe('encrypted');
    expect(assessment.evidence.dane.hosts.find((h) => h.host === 'mx2.example.org')?.status).toBe('insecure');
  });

  it('a host with a signed denial of both A and AAAA is left out: protected through DANE', async () => {
    const { assessment } = await assess({
      [`MX ${D}`]: SECURE_MX('mx1.example.org', 'mx2.example.org'),
      ...daneHost('mx1.example.org'),
      'A mx2.example.org': { ad: true },
      'AAAA mx2.example.org': { rcode: 'NXDOMAIN', ad: true },
    }, { sender: DANE_SENDER });
    expect(assessment).toMatchObject({ level: 'protected', mechanism: 'dane' });
  });

  it('no host with any address is still undeliverable, signed or not', async () => {
    const { assessment } = await assess({ [`MX ${D}`]: SECURE_MX('mx1.example.org'), 'A mx1.example.org': { ad: false }, 'AAAA mx1.example.org': { ad: false } });
    expect(assessment.level).toBe('undeliverable');
    expect(codes(assessment)[0]).toBe('mx.no-address');
  });
});

describe('2. a failed DANE lookup is never "no DANE published"', () => {
  const failures: [string, Record<string, FakeAnswer>][] = [
    ['a TLSA timeout', { 'TLSA _25._tcp.mx1.example.org': { rcode: 'TIMEOUT' } }],
    ['a TLSA HTTP error', { 'TLSA _25._tcp.mx1.example.org': { rcode: 'ERROR', error: 'a.resolver.test answered HTTP 502.' } }],
    ['a TLSA SERVFAIL without an EDE', { 'TLSA _25._tcp.mx1.example.org': { rcode: 'SERVFAIL' } }],
    ['a malformed TLSA answer', { 'TLSA _25._tcp.mx1.example.org': { rcode: 'ERROR', error: 'A malformed TLSA record was received.' } }],
    ['an A timeout', { 'A mx1.example.org': { rcode: 'TIMEOUT' } }],
    ['an AAAA error', { 'AAAA mx1.example.org': { rcode: 'ERROR' } }],
  ];

  it.each(failures)('%s, without other evidence: unknown, naming what could not be checked', async (_label, failure) => {
    const { assessment } = await assess({ [`MX ${D}`]: SECURE_MX('mx1.example.org'), ...daneHost('mx1.example.org'), ...failure });
    expect(assessment.level).toBe('unknown');
    expect(codes(assessment)[0]).toBe('dane.lookup-failed');
    expect(assessment.reasons[0]?.message).toContain('mx1.example.org');
    expect(codes(assessment)).not.toContain('policy.none');
  });

  it('with an unsigned MX answer too (no DANE could be settled either way)', async () => {
    const { assessment } = await assess({ [`MX ${D}`]: { ad: false, answer: [`${D}. MX 10 mx1.example.org.`] }, ...daneHost('mx1.example.org'), 'TLSA _25._tcp.mx1.example.org': { rcode: 'TIMEOUT' } });
    expect(assessment.level).toBe('unknown');
  });

  it('MTA-STS enforce covering every MX settles it; the DANE part says it could not be checked', async () => {
    const { assessment } = await assess(
      { [`MX ${D}`]: SECURE_MX('mx1.example.org'), ...daneHost('mx1.example.org'), 'TLSA _25._tcp.mx1.example.org': { rcode: 'TIMEOUT' }, ...STS_RECORD },
      { fetch: policyFetch(enforce('*.example.org')) },
    );
    expect(assessment).toMatchObject({ level: 'protected', mechanism: 'mta-sts' });
    const dane = assessment.reasons.find((r) => r.code === 'dane.lookup-failed');
    expect(dane?.severity).toBe('warning');
    expect(dane?.message).toMatch(/could not be checked/);
  });
});

describe('4. MX fan-out is capped', () => {
  const many = Array.from({ length: 100 }, (_, i) => `mx${i}.example.org`);
  const allDane = Object.assign({}, ...many.map(daneHost)) as Record<string, FakeAnswer>;

  it('at most 32 hosts are looked up, and DANE alone never protects beyond the cap', async () => {
    const { assessment, calls } = await assess({ [`MX ${D}`]: SECURE_MX(...many), ...allDane }, { sender: DANE_SENDER });
    expect(calls.filter((c) => c.startsWith('TLSA ')).length).toBeLessThanOrEqual(32);
    expect(calls.length).toBeLessThanOrEqual(32 * 3 + 3);
    expect(assessment.level).not.toBe('protected');
    expect(assessment.reasons.some((r) => r.code === 'mx.too-many-hosts')).toBe(true);
    expect(JSON.stringify(assessment).length).toBeLessThan(64 * 1024);
  });

  it('an MTA-STS pattern that matches every listed host still protects', async () => {
    const { assessment } = await assess({ [`MX ${D}`]: SECURE_MX(...many), ...allDane, ...STS_RECORD }, { fetch: policyFetch(enforce('*.example.org')) });
    expect(assessment).toMatchObject({ level: 'protected', mechanism: 'mta-sts' });
  });

  it('a 64 KiB MX answer (~2,900 hosts) against ~2,900 exact patterns: 32 hosts looked up, a bounded assessment', async () => {
    const huge = Array.from({ length: 2900 }, (_, i) => `m${i}.example.org`);
    const { assessment, calls } = await assess({ [`MX ${D}`]: SECURE_MX(...huge), ...STS_RECORD }, { fetch: policyFetch(enforce(...huge)) });
    expect(calls.length).toBeLessThanOrEqual(32 * 3 + 3);
    expect(assessment).toMatchObject({ level: 'protected', mechanism: 'mta-sts' });
    expect(assessment.evidence.mx.hosts.length).toBeLessThanOrEqual(64);
    expect(JSON.stringify(assessment).length).toBeLessThan(64 * 1024);
  });

  it('MTA-STS patterns that miss a host beyond the cap do not', async () => {
    const patterns = many.slice(0, 99);
    const { assessment } = await assess({ [`MX ${D}`]: SECURE_MX(...many), ...allDane, ...STS_RECORD }, { fetch: policyFetch(enforce(...patterns)) });
    expect(assessment.level).not.toBe('protected');
  });
});

describe('6. every MX target is judged', () => {
  it('a target with "_" is looked up and must be covered', async () => {
    const { assessment, calls } = await assess({
      [`MX ${D}`]: SECURE_MX('mx1.example.org', 'mx_2.example.org'),
      ...daneHost('mx1.example.org'),
      'A mx_2.example.org': { ad: false, answer: ['mx_2.example.org. A 192.0.2.11'] },
    }, { sender: DANE_SENDER });
    expect(calls).toContain('A mx_2.example.org');
    expect(assessment.level).not.toBe('protected');
    expect(assessment.evidence.dane.hosts.map((h) => h.host)).toContain('mx_2.example.org');
  });

  it('a "_" target with DANE of its own is covered like any host', async () => {
    const { assessment } = await assess({ [`MX ${D}`]: SECURE_MX('mx1.example.org', 'mx_2.example.org'), ...daneHost('mx1.example.org'), ...daneHost('mx_2.example.org') }, { sender: DANE_SENDER });
    expect(assessment.level).toBe('protected');
  });

  it('a target that is not even a valid DNS name makes coverage impossible', async () => {
    const long = `${'a'.repeat(70)}.example.org`;
    const { assessment } = await assess({ [`MX ${D}`]: SECURE_MX('mx1.example.org', long), ...daneHost('mx1.example.org') }, { sender: DANE_SENDER });
    expect(assessment.level).not.toBe('protected');
    expect(codes(assessment)).toContain('mx.invalid-target');
  });
});

describe('7. a policy file starting with a byte-order mark', () => {
  it('is not a valid policy (strict senders reject it)', () => {
    const parsed = parseMtaStsPolicy(`\uFEFF${enforce('*.example.org')}`);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe('mta-sts.policy.bom');
  });

  it('makes the domain misconfigured, and the reason says why', async () => {
    const { assessment } = await assess({ [`MX ${D}`]: SECURE_MX('mx1.example.org'), ...PLAIN_HOST, ...STS_RECORD }, { fetch: policyFetch(`\uFEFF${enforce('*.example.org')}`) });
    expect(assessment.level).toBe('misconfigured');
    expect(assessment.reasons[0]?.message).toMatch(/byte-order mark/);
  });
});

describe('11. Extended DNS Errors decide whether a SERVFAIL is a broken zone', () => {
  it('MX SERVFAIL with EDE 6 (DNSSEC Bogus): misconfigured, the EDE named', async () => {
    const { assessment } = await assess({ [`MX ${D}`]: { rcode: 'SERVFAIL', ede: 6 } });
    expect(assessment.level).toBe('misconfigured');
    expect(codes(assessment)[0]).toBe('mx.dnssec-failure');
    expect(assessment.reasons[0]?.message).toMatch(/DNSSEC Bogus/);
  });

  it('MX SERVFAIL without an EDE (or with a non-DNSSEC one) stays unknown', async () => {
    for (const answer of [{ rcode: 'SERVFAIL' }, { rcode: 'SERVFAIL', ede: 22 }, { rcode: 'SERVFAIL', ede: 3 }] as FakeAnswer[]) {
      const { assessment } = await assess({ [`MX ${D}`]: answer });
      expect(assessment.level).toBe('unknown');
      expect(codes(assessment)[0]).toBe('mx.lookup-failed');
    }
  });

  it('TLSA SERVFAIL with EDE 7 (Signature Expired): misconfigured through DANE', async () => {
    const { assessment } = await assess({ [`MX ${D}`]: SECURE_MX('mx1.example.org'), ...daneHost('mx1.example.org'), 'TLSA _25._tcp.mx1.example.org': { rcode: 'SERVFAIL', ede: 7 } });
    expect(assessment.level).toBe('misconfigured');
    expect(codes(assessment)[0]).toBe('dane.dnssec-failure');
    expect(assessment.reasons[0]?.message).toMatch(/Signature Expired/);
  });

  it('an address SERVFAIL with EDE 9 is misconfigured even for a sender without DANE', async () => {
    const { assessment } = await assess(
      { [`MX ${D}`]: SECURE_MX('mx1.example.org'), ...daneHost('mx1.example.org'), 'A mx1.example.org': { rcode: 'SERVFAIL', ede: 9 }, ...STS_RECORD },
      { fetch: policyFetch(enforce('*.example.org')), sender: { mtaSts: true, dane: false } },
    );
    expect(assessment.level).toBe('misconfigured');
    expect(assessment.reasons[0]?.message).toMatch(/DNSKEY Missing/);
  });

  it('an address SERVFAIL with EDE 22 (No Reachable Authority) is a failed lookup: unknown', async () => {
    const { assessment } = await assess({ [`MX ${D}`]: SECURE_MX('mx1.example.org'), ...daneHost('mx1.example.org'), 'A mx1.example.org': { rcode: 'SERVFAIL', ede: 22 } });
    expect(assessment.level).toBe('unknown');
  });

  it('a policy host whose certificate is not trusted gets its own reason', async () => {
    const certFailure: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }) });
    };
    const { assessment } = await assess({ [`MX ${D}`]: SECURE_MX('mx1.example.org'), ...PLAIN_HOST, ...STS_RECORD }, { fetch: certFailure });
    expect(assessment.level).toBe('misconfigured');
    expect(assessment.evidence.mtaSts.problem?.code).toBe('mta-sts.fetch.certificate');
    expect(assessment.reasons[0]?.message).toMatch(/certificate/);
    expect(assessment.reasons[0]?.message).not.toMatch(/could not be reached/);
  });

  it('a browser\'s bare "Failed to fetch" stays a network failure', async () => {
    const browser: FetchLike = async () => {
      throw new TypeError('Failed to fetch');
    };
    const { assessment } = await assess({ [`MX ${D}`]: SECURE_MX('mx1.example.org'), ...PLAIN_HOST, ...STS_RECORD }, { fetch: browser });
    expect(assessment.evidence.mtaSts.problem?.code).toBe('mta-sts.fetch.network');
  });
});

describe('12. the MX failure reason is never cut mid-word', () => {
  it('a long resolver error is shortened at a word boundary with an ellipsis', async () => {
    const error = 'No resolver answered: a.resolver.test could not be reached: fetch failed (getaddrinfo ENOTFOUND a.resolver.test); b.resolver.test could not be reached: fetch failed (getaddrinfo ENOTFOUND b.resolver.test); c.resolver.test could not be reached: fetch failed (getaddrinfo ENOTFOUND c.resolver.test).';
    const { assessment } = await assess({ [`MX ${D}`]: { rcode: 'ERROR', error } });
    const message = assessment.reasons[0]?.message ?? '';
    expect(codes(assessment)[0]).toBe('mx.lookup-failed');
    const words = new Set(error.split(' '));
    const detail = message.slice(message.indexOf('No resolver answered')).replace(/\)\. Nothing can be said.*$/, '');
    for (const word of detail.replace(/…$/, '').split(' ')) expect(words.has(word), `"${word}" is cut`).toBe(true);
  });
});
