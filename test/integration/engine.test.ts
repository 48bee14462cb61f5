// The engine end to end in Node: real DoH over HTTPS (RFC 8484) from the local server, real
// MTA-STS policy fetches over HTTPS with certificates from a test CA, no mocked fetch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessAddresses, assessDomain, createDohResolver, createMemoryPolicyCache, SENDERS, type Assessment } from '../../src/core/index.ts';
import { startDohServer } from '../support/doh-server.ts';
import { createNodeHttpsFetch } from '../support/node-https-fetch.ts';
import { issueCertificate } from '../support/ca.ts';
import { EXPECTED_LEVELS, POLICY_PATH, scenarioZone, startWorld, type World } from '../support/world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld({ loopback: 11 });
});
afterAll(async () => {
  await world?.close();
});

const reasonCodes = (a: Assessment) => a.reasons.map((r) => r.code);

describe('scenario verdicts (sender unknown, policy fetch allowed)', () => {
  for (const [domain, level] of Object.entries(EXPECTED_LEVELS)) {
    it(`${domain} is ${level}`, async () => {
      const a = await assessDomain(domain, world.deps());
      expect(a.level, JSON.stringify(a.reasons)).toBe(level);
      expect(a.domain).toBe(domain);
      expect(a.reasons.length).toBeGreaterThan(0);
      expect(a.expiresAt).toBeGreaterThan(a.checkedAt);
    });
  }
});

describe('evidence and reasons', () => {
  it('enforce + every MX matched: evidence names the policy, the matched patterns and TLS-RPT', async () => {
    const a = await assessDomain('enforce.test', world.deps());
    expect(a.mechanism).toBe('mta-sts');
    expect(a.evidence.mtaSts).toMatchObject({ record: 'valid', id: '20261129', policy: 'fetched', mode: 'enforce', mx: ['*.enforce.test'], maxAge: 86400 });
    expect(a.evidence.mx.hosts.map((h) => [h.host, h.preference, h.mtaStsPattern])).toEqual([
      ['mx1.enforce.test', 10, '*.enforce.test'],
      ['mx2.enforce.test', 20, '*.enforce.test'],
    ]);
    expect(a.evidence.tlsRpt).toEqual({ record: 'valid', rua: ['mailto:tls@enforce.test'] });
    expect(reasonCodes(a)[0]).toBe('mta-sts.protected');
    expect(a.reasons[0]!.message).toContain('if your mail provider honours MTA-STS');
  });

  it('enforce + mismatch names the unmatched hosts', async () => {
    const a = await assessDomain('mismatch.test', world.deps());
    expect(reasonCodes(a)[0]).toBe('mta-sts.mx-mismatch');
    expect(a.evidence.mx.hosts.every((h) => h.mtaStsPattern === null)).toBe(true);
  });

  it.each([
    ['p404.test', 'mta-sts.fetch.not-found'],
    ['predirect.test', 'redirect'],
    ['ptype.test', 'content-type'],
    ['pbig.test', 'too-large'],
    ['pslow.test', 'timeout'],
  ])('%s: policy problem is reported (%s)', async (domain, fragment) => {
    const a = await assessDomain(domain, world.deps());
    expect(a.level).toBe('misconfigured');
    expect(reasonCodes(a)[0]).toBe('mta-sts.policy-unreachable');
    expect(a.evidence.mtaSts.policy).toBe('fetch-failed');
    expect(a.evidence.mtaSts.problem?.code).toContain(fragment);
  });

  it('otherca.test: a policy host whose certificate is not trusted gets its own reason', async () => {
    const a = await assessDomain('otherca.test', world.deps());
    expect(a.level).toBe('misconfigured');
    expect(reasonCodes(a)[0]).toBe('mta-sts.policy-certificate');
    expect(a.evidence.mtaSts.policy).toBe('fetch-failed');
    expect(a.evidence.mtaSts.problem?.code).toBe('mta-sts.fetch.certificate');
  });

  it('a 10 MB policy body is cut off near the 64 KB cap, not downloaded', async () => {
    await assessDomain('pbig.test', world.deps());
    const request = world.hosts.requests.filter((r) => r.host === 'mta-sts.pbig.test').at(-1)!;
    await request.settled;
    expect(request.aborted).toBe(true);
    expect(request.bytesWritten).toBeLessThan(2_000_000);
  });

  it('a policy host with a certificate from another CA never gives protected, whatever the sender', async () => {
    for (const sender of [undefined, SENDERS.gmail, SENDERS.microsoft]) {
      const a = await assessDomain('otherca.test', world.deps({ sender }));
      expect(a.level).not.toBe('protected');
    }
  });

  it('two _mta-sts TXT records make the record invalid', async () => {
    const a = await assessDomain('twotxt.test', world.deps());
    expect(reasonCodes(a)[0]).toBe('mta-sts.record-invalid');
    expect(a.evidence.mtaSts.record).toBe('invalid');
  });

  it('DANE secure: protected through DANE; for Gmail (no DANE) only encrypted', async () => {
    const any = await assessDomain('dane.test', world.deps());
    expect(any.mechanism).toBe('dane');
    expect(any.evidence.dane).toMatchObject({ mxSecure: true, hosts: [{ host: 'mx.dane.test', status: 'dane', usages: [3] }] });
    expect((await assessDomain('dane.test', world.deps({ sender: SENDERS.microsoft }))).level).toBe('protected');
    const gmail = await assessDomain('dane.test', world.deps({ sender: SENDERS.gmail }));
    expect(gmail.level).toBe('encrypted');
    expect(reasonCodes(gmail)[0]).toBe('sender.does-not-enforce');
  });

  it('DANE SERVFAIL with EDE 6 (DNSSEC Bogus) on TLSA is a DNSSEC failure, the EDE named', async () => {
    const a = await assessDomain('danefail.test', world.deps());
    expect(a.evidence.dane.hosts[0]).toMatchObject({ status: 'dnssec-failure', ede: { code: 6 } });
    expect(reasonCodes(a)[0]).toBe('dane.dnssec-failure');
    expect(a.reasons[0]!.message).toContain('DNSSEC Bogus');
  });

  it('DANE partial and DANE in an unsigned zone', async () => {
    expect(reasonCodes(await assessDomain('danepartial.test', world.deps()))[0]).toBe('dane.partial');
    const insecure = await assessDomain('daneinsecure.test', world.deps());
    expect(insecure.evidence.dane.hosts[0]!.status).toBe('insecure');
  });

  it('null MX, implicit MX and NXDOMAIN', async () => {
    const nullMx = await assessDomain('nullmx.test', world.deps());
    expect(nullMx.evidence.mx.nullMx).toBe(true);
    expect(reasonCodes(nullMx)[0]).toBe('mx.null');
    const implicit = await assessDomain('implicit.test', world.deps());
    expect(implicit.evidence.mx).toMatchObject({ implicit: true, hosts: [{ host: 'implicit.test', preference: 0 }] });
    expect(reasonCodes(await assessDomain('nxdomain.test', world.deps()))[0]).toBe('mx.nxdomain');
  });

  it('an IDN domain is queried and fetched in A-labels', async () => {
    const before = world.doh.queries.length;
    const a = await assessDomain('bücher.test', world.deps());
    expect(a.level).toBe('protected');
    expect(a.domain).toBe('xn--bcher-kva.test');
    expect(a.displayDomain).toBe('bücher.test');
    const names = world.doh.queries.slice(before).map((q) => q.name);
    expect(names).toContain('_mta-sts.xn--bcher-kva.test');
    expect(world.hosts.requests.some((r) => r.host === 'mta-sts.xn--bcher-kva.test' && r.path === POLICY_PATH)).toBe(true);
  });

  it('without the permission to fetch policies: "policy not checked", never protected', async () => {
    const a = await assessDomain('enforce.test', world.deps({ fetch: null }));
    expect(a.level).toBe('encrypted');
    expect(a.evidence.mtaSts.policy).toBe('not-checked');
    expect(reasonCodes(a)[0]).toBe('mta-sts.policy-not-checked');
  });

  it('a cached policy with the same id is applied without fetching again', async () => {
    const policyCache = createMemoryPolicyCache();
    await assessDomain('testing.test', world.deps({ policyCache }));
    const fetches = () => world.hosts.requests.filter((r) => r.host === 'mta-sts.testing.test').length;
    const before = fetches();
    const again = await assessDomain('testing.test', world.deps({ policyCache }));
    expect(again.evidence.mtaSts.policy).toBe('cached');
    expect(fetches()).toBe(before);
  });

  it('assessAddresses: one assessment per distinct domain; malformed input and literals are unknown', async () => {
    const result = await assessAddresses(
      ['a@enforce.test', 'B@Enforce.Test', 'c@plain.test', 'not an address', 'x@[192.0.2.1]'],
      world.deps(),
    );
    expect(result.map((a) => [a.domain, a.level])).toEqual([
      ['enforce.test', 'protected'],
      ['plain.test', 'unverified'],
      ['not an address', 'unknown'],
      ['x@[192.0.2.1]', 'unknown'],
    ]);
    expect(result[3]!.reasons[0]!.code).toBe('address.literal');
  });
});

describe('resolver failure', () => {
  it('a hanging resolver times out and the next resolver answers', async () => {
    const hanging = await startDohServer({
      zone: { ...scenarioZone(world.ip), hang: ['plain.test', 'mx.plain.test', '_mta-sts.plain.test', '_smtp._tls.plain.test', '_25._tcp.mx.plain.test'] },
      tls: await issueCertificate(world.ca, { dnsNames: [], ipAddresses: [world.ip] }),
      host: world.ip,
    });
    try {
      const resolver = createDohResolver({ urls: [hanging.url, world.doh.url], fetch: createNodeHttpsFetch({ ca: world.ca.certPem }), timeoutMs: 300 });
      const a = await assessDomain('plain.test', world.deps({ resolver }));
      expect(a.level).toBe('unverified');
      expect(hanging.queries.some((q) => q.name === 'plain.test')).toBe(true);
    } finally {
      await hanging.close();
    }
  });

  it('a resolver that never answers gives unknown, never protected', async () => {
    const hanging = await startDohServer({
      zone: { ...scenarioZone(world.ip), hang: ['enforce.test', '_mta-sts.enforce.test', '_smtp._tls.enforce.test'] },
      tls: await issueCertificate(world.ca, { dnsNames: [], ipAddresses: [world.ip] }),
      host: world.ip,
    });
    try {
      const resolver = createDohResolver({ urls: [hanging.url], fetch: createNodeHttpsFetch({ ca: world.ca.certPem }), timeoutMs: 200 });
      const a = await assessDomain('enforce.test', world.deps({ resolver }));
      expect(a.level).toBe('unknown');
      expect(a.reasons[0]!.code).toBe('mx.lookup-failed');
    } finally {
      await hanging.close();
    }
  });
});
