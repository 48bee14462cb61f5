// The DoH client (src/core/dns) against the in-process DoH server (test/support/doh-server.ts),
// over Node 20's real global fetch (plain HTTP) and over HTTPS with a run-time test CA.
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { classify, createCachingResolver, createDohResolver, encodeQuery, base64url } from '../../src/core/dns/index.ts';
import type { FetchLike } from '../../src/core/types.ts';
import { createResolverForUrls } from '../../src/node/resolver.ts';
import { startDohServer, type DohServer } from '../support/doh-server.ts';
import { loadZone, type Zone } from '../support/zone.ts';

const zone: Zone = loadZone(fileURLToPath(new URL('../fixtures/zones/example.json', import.meta.url)));
const realFetch: FetchLike = (input, init) => fetch(input, init);

describe('DoH client against the test DoH server (HTTP)', () => {
  let server: DohServer;
  let backup: DohServer;

  beforeAll(async () => {
    server = await startDohServer({ zone });
    // A second resolver with the same data, minus the hang, for failover.
    backup = await startDohServer({ zone: { ...zone, hang: [] } });
  });
  afterAll(async () => {
    await Promise.all([server.close(), backup.close()]);
  });
  afterEach(() => {
    server.setFailMode(null);
    server.setDelay(0);
  });

  const resolver = (urls = [server.url], method: 'GET' | 'POST' = 'GET', timeoutMs = 2000) => createDohResolver({ urls, fetch: realFetch, method, timeoutMs });

  it.each(['GET', 'POST'] as const)('secure MX answer over %s', async (method) => {
    const result = await resolver([server.url], method).query('signed.test', 'MX');
    expect(classify(result)).toBe('secure');
    expect(result).toMatchObject({ outcome: 'answer', ttl: 300, resolver: server.url });
    expect(result.records).toEqual([{ preference: 10, exchange: 'mx1.signed.test' }, { preference: 20, exchange: 'mx2.signed.test' }]);
  });

  it('insecure answer in an unsigned zone and below an unsigned delegation', async () => {
    expect(classify(await resolver().query('plain.test', 'MX'))).toBe('insecure');
    expect(classify(await resolver().query('island.signed.test', 'MX'))).toBe('insecure');
    expect(classify(await resolver().query('mx1.signed.test', 'A'))).toBe('secure');
  });

  it('TXT character-strings, TLSA, AAAA, the null MX and a per-owner TTL', async () => {
    const r = resolver();
    expect((await r.query('_smtp._tls.signed.test', 'TXT')).records).toEqual([['v=TLSRPTv1; ', 'rua=mailto:tlsrpt@signed.test']]);
    expect((await r.query('_25._tcp.mx1.signed.test', 'TLSA')).records).toEqual([
      { usage: 3, selector: 1, matchingType: 1, data: '0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6' },
    ]);
    expect((await r.query('mx1.signed.test', 'AAAA')).records).toEqual(['2001:db8::1']);
    expect((await r.query('null.test', 'MX')).records).toEqual([{ preference: 0, exchange: '' }]);
    expect((await r.query('www.sub.signed.test', 'A')).ttl).toBe(30);
  });

  it('NODATA with the SOA minimum as TTL, also for an empty non-terminal', async () => {
    const nodata = await resolver().query('signed.test', 'TLSA');
    expect(classify(nodata)).toBe('secure-denial');
    expect(nodata.ttl).toBe(60);
    expect((await resolver().query('sub.signed.test', 'A')).outcome).toBe('nodata');
    expect(classify(await resolver().query('plain.test', 'TXT'))).toBe('insecure-denial');
  });

  it('NXDOMAIN inside a zone and outside every zone', async () => {
    expect((await resolver().query('nope.signed.test', 'MX')).outcome).toBe('nxdomain');
    expect((await resolver().query('nothing.example', 'MX')).outcome).toBe('nxdomain');
  });

  it('SERVFAIL for a listed name and for a bogus zone', async () => {
    expect(classify(await resolver().query('broken.signed.test', 'MX'))).toBe('servfail');
    expect(classify(await resolver().query('mx.bogus.test', 'A'))).toBe('servfail');
  });

  it('CNAME answered with the target in the zone; re-queried when the target is outside', async () => {
    const inZone = await resolver().query('mx2.signed.test', 'A');
    expect(inZone).toMatchObject({ outcome: 'answer', secure: true, records: ['192.0.2.1'], cnames: ['mx1.signed.test'] });

    const before = server.queries.length;
    const outside = await resolver().query('outside.signed.test', 'A');
    expect(outside).toMatchObject({ outcome: 'nxdomain', cnames: ['somewhere.invalid'] });
    expect(server.queries.slice(before).map((q) => q.name)).toEqual(['outside.signed.test', 'somewhere.invalid']);
  });

  it('a hanging name times out on one resolver and fails over to the next', async () => {
    const lone = await resolver([server.url], 'GET', 150).query('slow.signed.test', 'MX');
    expect(lone.outcome).toBe('timeout');
    expect(lone.error).toMatch(/did not answer within 150 ms/);

    const failover = await resolver([server.url, backup.url], 'GET', 150).query('slow.signed.test', 'MX');
    expect(failover).toMatchObject({ outcome: 'answer', resolver: backup.url });
  });

  it.each(['http500', 'wrong-type'] as const)('failMode %s is an error, and the next resolver answers', async (mode) => {
    server.setFailMode(mode);
    const lone = await resolver().query('signed.test', 'MX');
    expect(lone.outcome).toBe('error');
    const failover = await resolver([server.url, backup.url]).query('signed.test', 'MX');
    expect(failover).toMatchObject({ outcome: 'answer', resolver: backup.url });
  });

  it('setDelay delays answers beyond the timeout', async () => {
    server.setDelay(300);
    expect((await resolver([server.url], 'GET', 100).query('signed.test', 'A')).outcome).toBe('timeout');
  });

  it('logs queries and shares concurrent identical ones through the caching resolver', async () => {
    const cache = createCachingResolver(resolver());
    const before = server.queries.length;
    const results = await Promise.all([cache.query('signed.test', 'TXT'), cache.query('signed.test', 'TXT'), cache.query('SIGNED.test.', 'TXT')]);
    expect(results.map((r) => r.outcome)).toEqual(['nodata', 'nodata', 'nodata']);
    expect(server.queries.slice(before)).toEqual([{ name: 'signed.test', type: 'TXT', at: expect.any(Number) }]);
  });

  it('speaks HTTP correctly: Cache-Control, 400 for malformed requests, 404 elsewhere', async () => {
    const ok = await fetch(`${server.url}?dns=${base64url(encodeQuery('signed.test', 'MX'))}`, { headers: { accept: 'application/dns-message' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/dns-message');
    expect(ok.headers.get('cache-control')).toBe('max-age=300');
    await ok.arrayBuffer();
    expect((await fetch(`${server.url}?dns=AAAA`)).status).toBe(400);
    expect((await fetch(`${server.url}?dns=not%20base64`)).status).toBe(400);
    expect((await fetch(server.url)).status).toBe(400);
    expect((await fetch(server.url.replace('/dns-query', '/other'))).status).toBe(404);
  });

  it('setZone swaps the data', async () => {
    const alt = await startDohServer({ zone });
    try {
      alt.setZone({ zones: [{ apex: 'new.test', signed: true }], records: { 'new.test': { A: ['192.0.2.50'] } } });
      const result = await resolver([alt.url]).query('new.test', 'A');
      expect(result).toMatchObject({ outcome: 'answer', secure: true, records: ['192.0.2.50'] });
    } finally {
      await alt.close();
    }
  });

  it('close() returns while a query is hanging', async () => {
    const alt = await startDohServer({ zone });
    const pending = resolver([alt.url], 'GET', 5000).query('slow.signed.test', 'MX');
    await expect.poll(() => alt.queries.length).toBe(1);
    await alt.close();
    const result = await pending;
    expect(['error', 'timeout']).toContain(result.outcome);
  });
});

describe('DoH client against the test DoH server (HTTPS, test CA)', () => {
  it('answers over TLS with a certificate from a run-time CA', async () => {
    const { createTestCa, issueCertificate } = await import('../support/ca.ts');
    const { createNodeHttpsFetch } = await import('../support/node-https-fetch.ts');
    const ca = await createTestCa();
    const leaf = await issueCertificate(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const server = await startDohServer({ zone, tls: leaf });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/dns-query$/);
      const trusting = createDohResolver({ urls: [server.url], fetch: createNodeHttpsFetch({ ca: ca.certPem }), timeoutMs: 5000 });
      for (const method of ['GET', 'POST'] as const) {
        const viaMethod = createDohResolver({ urls: [server.url], fetch: createNodeHttpsFetch({ ca: ca.certPem }), timeoutMs: 5000, method });
        expect((await viaMethod.query('signed.test', 'MX')).outcome).toBe('answer');
      }
      expect(classify(await trusting.query('signed.test', 'MX'))).toBe('secure');
      // Without the CA the TLS handshake fails: an error, never an answer.
      const untrusting = createDohResolver({ urls: [server.url], fetch: createNodeHttpsFetch({ ca: (await createTestCa('Other CA')).certPem }), timeoutMs: 5000 });
      const refused = await untrusting.query('signed.test', 'MX');
      expect(refused.outcome).toBe('error');
      expect(refused.error).toMatch(/certificate|issuer/i);
    } finally {
      await server.close();
    }
  });
});

describe('classic DNS beside the test DoH server (the dns:// resolver of the CLI and the service)', () => {
  let server: DohServer;
  beforeAll(async () => {
    server = await startDohServer({ zone, classic: true });
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => {
    server.setDelay(0);
    server.setZone(zone);
  });
  const classic = (timeoutMs = 2000) => createResolverForUrls([server.classicUrl as string], { timeoutMs });

  it('gives the same answers as DoH, from the same zone, and logs the queries in the same log', async () => {
    expect(server.classicUrl).toMatch(/^dns:\/\/127\.0\.0\.1:\d+$/);
    const before = server.queries.length;
    for (const [name, type] of [['signed.test', 'MX'], ['plain.test', 'MX'], ['_smtp._tls.signed.test', 'TXT'], ['nothing.signed.test', 'A'], ['broken.signed.test', 'MX']] as const) {
      const overUdp = await classic().query(name, type);
      const overDoh = await createDohResolver({ urls: [server.url], fetch: realFetch, timeoutMs: 2000 }).query(name, type);
      expect({ ...overUdp, resolver: undefined, error: undefined }).toEqual({ ...overDoh, resolver: undefined, error: undefined });
    }
    expect(server.queries.slice(before).filter((q) => q.name === 'signed.test' && q.type === 'MX')).toHaveLength(2);
    expect(classify(await classic().query('signed.test', 'MX'))).toBe('secure');
  });

  it('truncates a UDP answer larger than the EDNS size (TC set, no records); the client gets it whole over TCP', async () => {
    const strings = Array.from({ length: 12 }, (_, i) => `${String(i).padStart(2, '0')}${'x'.repeat(198)}`);
    server.setZone({ ...zone, records: { ...zone.records, 'big.plain.test': { TXT: [strings] } } });
    const socket = createSocket('udp4');
    try {
      const port = Number(new URL(server.classicUrl as string).port);
      const reply = new Promise<Buffer>((resolve) => socket.once('message', resolve));
      socket.send(encodeQuery('big.plain.test', 'TXT', 4242), port, '127.0.0.1');
      const datagram = await reply;
      expect(datagram.readUInt16BE(0)).toBe(4242);
      expect(datagram[2]! & 0x02).toBe(0x02); // TC
      expect(datagram.readUInt16BE(6)).toBe(0); // no answer records
      expect(datagram.length).toBeLessThan(1232);
    } finally {
      socket.close();
    }
    const result = await classic().query('big.plain.test', 'TXT');
    expect(result.outcome).toBe('answer');
    expect(result.records).toEqual([strings]);
  });

  it('answers after the delay, and never for a name that hangs', async () => {
    server.setDelay(120);
    const started = performance.now();
    expect((await classic().query('plain.test', 'MX')).outcome).toBe('answer');
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    server.setDelay(0);
    expect((await classic(200).query('slow.signed.test', 'MX')).outcome).toBe('timeout');
  });
});
