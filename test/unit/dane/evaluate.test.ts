// evaluateDane, one behaviour per rule of RFC 7672 s2.2 (and RFC 8914 for DNSSEC failures). The
// dane-NN ids are the scenarios of test/vectors/dane-discovery.json.

import { describe, expect, it } from 'vitest';
import { evaluateDane, summarizeDane } from '../../../src/core/dane/index.ts';
import type { DnsResult, RRType, Resolver } from '../../../src/core/types.ts';
import { fakeResolver, type FakeAnswer } from './fake-resolver.ts';

const SECURE_A = (host: string): FakeAnswer => ({ ad: true, answer: [`${host}. A 192.0.2.10`] });
const TLSA_EE = (host: string, ad = true): FakeAnswer => ({ ad, answer: [`_25._tcp.${host}. TLSA 3 1 1 <sha256>`] });

/** A signed host with DANE-EE: the common good case. */
function daneHost(host: string): Record<string, FakeAnswer> {
  return { [`A ${host}`]: SECURE_A(host), [`AAAA ${host}`]: { ad: true }, [`TLSA _25._tcp.${host}`]: TLSA_EE(host) };
}

async function statusOf(answers: Record<string, FakeAnswer>, host = 'mx.example.org', mxSecure = true) {
  const resolver = fakeResolver(answers);
  const { evidence } = await evaluateDane({ hosts: [host], mxSecure }, { resolver });
  return { host: evidence.hosts[0], calls: resolver.calls };
}

describe('evaluateDane', () => {
  it('RFC 7672 s2.2.1: an unsigned MX answer still gets its hosts evaluated, but mxSecure=false keeps it from "all"', async () => {
    const resolver = fakeResolver(daneHost('mx.example.org'));
    const { evidence } = await evaluateDane({ hosts: ['mx.example.org'], mxSecure: false }, { resolver });
    expect(evidence).toEqual({ mxSecure: false, hosts: [{ host: 'mx.example.org', status: 'dane', tlsaName: 'mx.example.org', usages: [3] }] });
    expect(summarizeDane(evidence)).toBe('partial');
  });

  it('RFC 7672 s2.2.2: insecure address records mean no DANE, even with signed usable TLSA', async () => {
    const { host } = await statusOf({ 'A mx.example.org': { ad: false, answer: ['mx.example.org. A 192.0.2.10'] }, 'TLSA _25._tcp.mx.example.org': TLSA_EE('mx.example.org') });
    expect(host).toEqual({ host: 'mx.example.org', status: 'insecure', usages: [] });
  });

  it('RFC 7672 s2.2.2: only the address RRsets with records must be secure (an insecure empty AAAA does not matter)', async () => {
    const { host } = await statusOf({ 'A mx.example.org': SECURE_A('mx.example.org'), 'AAAA mx.example.org': { ad: false }, 'TLSA _25._tcp.mx.example.org': TLSA_EE('mx.example.org') });
    expect(host?.status).toBe('dane');
  });

  it('RFC 7672 s2.2.2: an insecure AAAA RRset with records makes the host insecure', async () => {
    const { host } = await statusOf({
      'A mx.example.org': SECURE_A('mx.example.org'),
      'AAAA mx.example.org': { ad: false, answer: ['mx.example.org. AAAA 2001:db8::1'] },
      'TLSA _25._tcp.mx.example.org': TLSA_EE('mx.example.org'),
    });
    expect(host?.status).toBe('insecure');
  });

  it('RFC 7672 s2.2.3: secure CNAME chain: TLSA at the expanded name first (dane-13)', async () => {
    const { host, calls } = await statusOf({
      'A mail.example.org': { ad: true, answer: ['mail.example.org. CNAME mx.example.net.', 'mx.example.net. A 192.0.2.10'] },
      'TLSA _25._tcp.mx.example.net': TLSA_EE('mx.example.net'),
      'TLSA _25._tcp.mail.example.org': { ad: true, answer: ['_25._tcp.mail.example.org. TLSA 2 1 1 <sha256>'] },
    }, 'mail.example.org');
    expect(host).toMatchObject({ status: 'dane', tlsaName: 'mx.example.net', usages: [3] });
    expect(calls).toContain('TLSA _25._tcp.mx.example.net');
  });

  it('RFC 7672 s2.2.3: secure chain, insecure TLSA at the expanded name: fall back to the original name', async () => {
    const { host } = await statusOf({
      'A mail.example.org': { ad: true, answer: ['mail.example.org. CNAME mx.example.net.', 'mx.example.net. A 192.0.2.10'] },
      'TLSA _25._tcp.mx.example.net': TLSA_EE('mx.example.net', false),
      'TLSA _25._tcp.mail.example.org': TLSA_EE('mail.example.org'),
    }, 'mail.example.org');
    expect(host).toMatchObject({ status: 'dane', tlsaName: 'mail.example.org' });
  });

  it('RFC 7672 s2.2.3: secure chain, nothing at either name: no-tlsa at the original name', async () => {
    const { host } = await statusOf({
      'A mail.example.org': { ad: true, answer: ['mail.example.org. CNAME mx.example.net.', 'mx.example.net. A 192.0.2.10'] },
      'TLSA _25._tcp.mx.example.net': { rcode: 'NXDOMAIN', ad: true },
      'TLSA _25._tcp.mail.example.org': { rcode: 'NXDOMAIN', ad: true },
    }, 'mail.example.org');
    expect(host).toMatchObject({ status: 'no-tlsa', tlsaName: 'mail.example.org' });
  });

  it('RFC 7672 s2.2.3: a failure at the expanded name does not fall back (dane-18)', async () => {
    const answers = (tlsa: FakeAnswer) => ({
      'A mail.example.org': { ad: true, answer: ['mail.example.org. CNAME mx.example.net.', 'mx.example.net. A 192.0.2.10'] },
      'TLSA _25._tcp.mx.example.net': tlsa,
      'TLSA _25._tcp.mail.example.org': TLSA_EE('mail.example.org'),
    });
    const bogus = await statusOf(answers({ rcode: 'SERVFAIL', ede: 6 }), 'mail.example.org');
    expect(bogus.host).toMatchObject({ status: 'dnssec-failure', tlsaName: 'mx.example.net', ede: { code: 6 } });
    const timeout = await statusOf(answers({ rcode: 'TIMEOUT' }), 'mail.example.org');
    expect(timeout.host).toMatchObject({ status: 'lookup-failed', tlsaName: 'mx.example.net' });
  });

  it('RFC 7672 s2.2.3: insecure chain whose first link is secure: TLSA at the original name (dane-15)', async () => {
    const { host, calls } = await statusOf({
      'A mail.example.org': { ad: false, answer: ['mail.example.org. CNAME mx.example.net.', 'mx.example.net. A 192.0.2.10'] },
      'CNAME mail.example.org': { ad: true, answer: ['mail.example.org. CNAME mx.example.net.'] },
      'TLSA _25._tcp.mail.example.org': TLSA_EE('mail.example.org'),
    }, 'mail.example.org');
    expect(host).toMatchObject({ status: 'dane', tlsaName: 'mail.example.org' });
    expect(calls).toContain('CNAME mail.example.org');
  });

  it('RFC 7672 s2.2.3: insecure chain whose first link is insecure: insecure (dane-16)', async () => {
    const { host } = await statusOf({
      'A mail.example.org': { ad: false, answer: ['mail.example.org. CNAME mx.example.net.', 'mx.example.net. A 192.0.2.10'] },
      'CNAME mail.example.org': { ad: false, answer: ['mail.example.org. CNAME mx.example.net.'] },
      'TLSA _25._tcp.mail.example.org': TLSA_EE('mail.example.org'),
    }, 'mail.example.org');
    expect(host?.status).toBe('insecure');
  });

  it('RFC 7672 s2.2.3: no CNAME: one round trip, exactly A, AAAA and TLSA per host', async () => {
    const { calls } = await statusOf(daneHost('mx.example.org'));
    expect(calls.sort()).toEqual(['A mx.example.org', 'AAAA mx.example.org', 'TLSA _25._tcp.mx.example.org']);
  });

  it('RFC 7672 s2.2: secure TLSA with only unusable records: unusable-tlsa (TLS required, not authenticated)', async () => {
    const { host } = await statusOf({ ...daneHost('mx.example.org'), 'TLSA _25._tcp.mx.example.org': { ad: true, answer: ['_25._tcp.mx.example.org. TLSA 1 0 1 <sha256>', '_25._tcp.mx.example.org. TLSA 0 0 1 <sha256>'] } });
    expect(host).toEqual({ host: 'mx.example.org', status: 'unusable-tlsa', tlsaName: 'mx.example.org', usages: [0, 1] });
  });

  it('RFC 7672 s2.2: one usable record among unusable ones is enough', async () => {
    const { host } = await statusOf({ ...daneHost('mx.example.org'), 'TLSA _25._tcp.mx.example.org': { ad: true, answer: ['_25._tcp.mx.example.org. TLSA 1 0 1 <sha256>', '_25._tcp.mx.example.org. TLSA 2 1 2 <sha512>'] } });
    expect(host).toMatchObject({ status: 'dane', usages: [1, 2] });
  });

  it.each([
    [{ ad: true } as FakeAnswer, 'no-tlsa'],
    [{ rcode: 'NXDOMAIN', ad: true } as FakeAnswer, 'no-tlsa'],
    [{ ad: false } as FakeAnswer, 'insecure'],
    [{ rcode: 'NXDOMAIN', ad: false } as FakeAnswer, 'insecure'],
    [TLSA_EE('mx.example.org', false), 'insecure'],
    [{ rcode: 'SERVFAIL', ede: 6 } as FakeAnswer, 'dnssec-failure'],
    [{ rcode: 'SERVFAIL', ede: 7 } as FakeAnswer, 'dnssec-failure'],
    [{ rcode: 'SERVFAIL' } as FakeAnswer, 'lookup-failed'],
    [{ rcode: 'SERVFAIL', ede: 22 } as FakeAnswer, 'lookup-failed'],
    [{ rcode: 'TIMEOUT' } as FakeAnswer, 'lookup-failed'],
    [{ rcode: 'ERROR' } as FakeAnswer, 'lookup-failed'],
  ])('RFC 7672 s2.2; RFC 4035 s3.2.3: TLSA answer %j gives %s', async (tlsa, status) => {
    const { host } = await statusOf({ ...daneHost('mx.example.org'), 'TLSA _25._tcp.mx.example.org': tlsa });
    expect(host?.status).toBe(status);
  });

  it('RFC 8914: a SERVFAIL with a DNSSEC EDE on an address query is a DNSSEC failure, named in the evidence', async () => {
    const { host } = await statusOf({ 'A mx.example.org': { rcode: 'SERVFAIL', ede: 6 }, 'AAAA mx.example.org': { ad: true }, 'TLSA _25._tcp.mx.example.org': TLSA_EE('mx.example.org') }, 'mx.example.org', false);
    expect(host).toMatchObject({ status: 'dnssec-failure', ede: { code: 6 } });
    expect(host?.problem).toMatch(/^A mx\.example\.org: SERVFAIL \(EDE 6, DNSSEC Bogus\)/);
  });

  it('a DNSSEC failure on one address family outranks a timeout on the other', async () => {
    const { host } = await statusOf({ 'A mx.example.org': { rcode: 'TIMEOUT' }, 'AAAA mx.example.org': { rcode: 'SERVFAIL', ede: 10 } });
    expect(host?.status).toBe('dnssec-failure');
  });

  it('a SERVFAIL without an EDE in a signed zone is a failed lookup, not a DNSSEC failure', async () => {
    const { host } = await statusOf({ 'A mx.example.org': { rcode: 'SERVFAIL' }, 'AAAA mx.example.org': { ad: true }, 'TLSA _25._tcp.mx.example.org': TLSA_EE('mx.example.org') });
    expect(host).toMatchObject({ status: 'lookup-failed', problem: 'A mx.example.org: SERVFAIL' });
  });

  it('RFC 7672 s2.1.1: SERVFAIL with no sign of DNSSEC anywhere is only a failed lookup', async () => {
    const { host } = await statusOf({ 'A mx.example.org': { rcode: 'SERVFAIL' }, 'AAAA mx.example.org': { rcode: 'SERVFAIL' }, 'TLSA _25._tcp.mx.example.org': { rcode: 'SERVFAIL' } }, 'mx.example.org', false);
    expect(host?.status).toBe('lookup-failed');
  });

  it('RFC 7672 s2.1.1: an unsigned host whose TLSA query SERVFAILs is just insecure (senders never ask)', async () => {
    const { host } = await statusOf({ 'A mx.example.org': { ad: false, answer: ['mx.example.org. A 192.0.2.10'] }, 'TLSA _25._tcp.mx.example.org': { rcode: 'SERVFAIL' } }, 'mx.example.org', false);
    expect(host?.status).toBe('insecure');
  });

  it('a timeout on an address query is lookup-failed, whatever else came back', async () => {
    const { host } = await statusOf({ ...daneHost('mx.example.org'), 'AAAA mx.example.org': { rcode: 'TIMEOUT' } });
    expect(host?.status).toBe('lookup-failed');
  });

  it('RFC 5321 s5.1: a host with no address records is reported as addressless; a signed denial also as deniedSecurely', async () => {
    const resolver = fakeResolver({ 'A mx.example.org': { ad: true }, 'AAAA mx.example.org': { rcode: 'NXDOMAIN', ad: true }, ...daneHost('mx2.example.org') });
    const result = await evaluateDane({ hosts: ['mx.example.org', 'mx2.example.org'], mxSecure: true }, { resolver });
    expect(result.addressless).toEqual(['mx.example.org']);
    expect(result.deniedSecurely).toEqual(['mx.example.org']);
    expect(summarizeDane(result.evidence, { ignoreHosts: result.deniedSecurely })).toBe('all');
    expect(summarizeDane(result.evidence)).toBe('partial');
  });

  it('RFC 7672 s2.2.1: an unsigned "no address" is addressless but not denied securely', async () => {
    const resolver = fakeResolver({ 'A mx.example.org': { ad: true }, 'AAAA mx.example.org': { ad: false }, ...daneHost('mx2.example.org') });
    const result = await evaluateDane({ hosts: ['mx.example.org', 'mx2.example.org'], mxSecure: true }, { resolver });
    expect(result.addressless).toEqual(['mx.example.org']);
    expect(result.deniedSecurely).toEqual([]);
    expect(result.evidence.hosts[0]?.status).toBe('insecure');
  });

  it('all queries of all hosts start before any answer arrives (one round trip)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const hosts = ['mx1.example.org', 'mx2.example.org', 'mx3.example.org'];
    const resolver = fakeResolver(Object.assign({}, ...hosts.map(daneHost)), gate);
    const pending = evaluateDane({ hosts, mxSecure: true }, { resolver });
    await Promise.resolve();
    expect(resolver.calls).toHaveLength(9);
    release();
    const { evidence } = await pending;
    expect(evidence.hosts.map((host) => host.status)).toEqual(['dane', 'dane', 'dane']);
    expect(summarizeDane(evidence)).toBe('all');
  });

  it('keeps host order, drops duplicates, and reports the smallest TTL', async () => {
    const answers = { ...daneHost('a.example.org'), ...daneHost('b.example.org') };
    answers['TLSA _25._tcp.b.example.org'] = { ...TLSA_EE('b.example.org'), ttl: 60 };
    const result = await evaluateDane({ hosts: ['B.example.org.', 'a.example.org', 'b.example.org'], mxSecure: true }, { resolver: fakeResolver(answers) });
    expect(result.evidence.hosts.map((host) => host.host)).toEqual(['b.example.org', 'a.example.org']);
    expect(result.ttl).toBe(60);
  });

  it('no hosts: empty evidence, the default TTL', async () => {
    const result = await evaluateDane({ hosts: [], mxSecure: true }, { resolver: fakeResolver({}) });
    expect(result).toMatchObject({ evidence: { mxSecure: true, hosts: [] }, addressless: [], deniedSecurely: [] });
    expect(result.ttl).toBeGreaterThan(0);
    expect(summarizeDane(result.evidence)).toBe('none');
  });

  it('a resolver that throws or returns garbage gives lookup-failed, never dane', async () => {
    const throwing: Resolver = { query: () => Promise.reject(new Error('boom')) };
    const garbage: Resolver = { query: <T extends RRType>() => Promise.resolve(null as unknown as DnsResult<T>) };
    for (const resolver of [throwing, garbage]) {
      const { evidence } = await evaluateDane({ hosts: ['mx.example.org'], mxSecure: true }, { resolver });
      expect(evidence.hosts[0]?.status).toBe('lookup-failed');
    }
  });

  it('rejects when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('navigated away'));
    const resolver = fakeResolver(daneHost('mx.example.org'));
    await expect(evaluateDane({ hosts: ['mx.example.org'], mxSecure: true }, { resolver, signal: controller.signal })).rejects.toThrow('navigated away');
  });
});
