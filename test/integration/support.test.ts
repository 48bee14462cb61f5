// Proves the integration test infrastructure: the test CA, the SNI HTTPS host server and the
// node:https FetchLike, against each other over real TLS on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestCa, type TestCa } from '../support/ca.ts';
import { loopbackAddress, startHttpsHosts, type HttpsHosts } from '../support/https-hosts.ts';
import { createNodeHttpsFetch } from '../support/node-https-fetch.ts';
import { makeTempDir } from '../support/tmp.ts';

const POLICY = 'version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n';
const TEN_MB = 10 * 1024 * 1024;

let ca: TestCa;
let server: HttpsHosts;
let staticDir: string;

beforeAll(async () => {
  ca = await createTestCa();
  staticDir = makeTempDir('static-');
  mkdirSync(join(staticDir, 'js'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>fixture</title>');
  writeFileSync(join(staticDir, 'js', 'app.js'), 'console.log(1);');
  server = await startHttpsHosts({
    ca,
    hosts: {
      'mta-sts.good.test': { paths: { '/.well-known/mta-sts.txt': { body: POLICY } } },
      'mta-sts.other-ca.test': { body: POLICY, cert: 'other-ca' },
      'mta-sts.wrong-name.test': { body: POLICY, cert: 'wrong-name' },
      'mta-sts.expired.test': { body: POLICY, cert: 'expired' },
      'mta-sts.redirect.test': { redirect: 'https://elsewhere.test/policy' },
      'mta-sts.huge.test': { chunkedBytes: TEN_MB },
      'mta-sts.slow.test': { body: POLICY, delayMs: 10_000 },
      'mta-sts.hang.test': { hang: true },
      '*.wild.test': { body: 'wildcard', contentType: 'text/x-wild' },
      'mail.google.com': { static: staticDir, csp: "script-src 'self'" },
    },
  });
});

afterAll(async () => {
  await server?.close();
});

function fetchVia(port = server.port): ReturnType<typeof createNodeHttpsFetch> {
  return createNodeHttpsFetch({ ca: ca.certPem, lookup: async () => '127.0.0.1', port });
}

describe('node-https-fetch against https-hosts', () => {
  it('fetches from a host whose certificate the given CA issued, with SNI and Host = the URL name', async () => {
    const response = await fetchVia()('https://mta-sts.good.test/.well-known/mta-sts.txt');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.url).toBe('https://mta-sts.good.test/.well-known/mta-sts.txt');
    expect(await response.text()).toBe(POLICY);
    expect(server.requests.at(-1)).toMatchObject({ host: 'mta-sts.good.test', sni: 'mta-sts.good.test', path: '/.well-known/mta-sts.txt', finished: true });
  });

  it('answers 404 for paths a host does not list and for unknown hosts', async () => {
    const fetch = fetchVia();
    expect((await fetch('https://mta-sts.good.test/other')).status).toBe(404);
    expect((await fetch('https://unknown.test/')).status).toBe(404);
  });

  it('connects to an IP literal without SNI; the server presents a certificate for its address', async () => {
    const response = await createNodeHttpsFetch({ ca: ca.certPem })(`https://127.0.0.1:${server.port}/`);
    expect(response.status).toBe(404);
    expect(server.requests.at(-1)).toMatchObject({ host: '127.0.0.1', sni: undefined });
  });

  it('serves a one-label wildcard name', async () => {
    const response = await fetchVia()('https://a.wild.test/x');
    expect(response.headers.get('content-type')).toBe('text/x-wild');
    expect(await response.text()).toBe('wildcard');
    await expect(fetchVia()('https://a.b.wild.test/x')).resolves.toMatchObject({ status: 404 });
  });

  it('rejects a certificate from another CA with a TypeError', async () => {
    const error: unknown = await fetchVia()('https://mta-sts.other-ca.test/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).cause).toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('rejects a certificate for another name', async () => {
    const error: unknown = await fetchVia()('https://mta-sts.wrong-name.test/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).cause).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('rejects an expired certificate', async () => {
    const error: unknown = await fetchVia()('https://mta-sts.expired.test/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).cause).toMatchObject({ code: 'CERT_HAS_EXPIRED' });
  });

  it('without `ca` does not trust the test CA (Node store only)', async () => {
    const fetch = createNodeHttpsFetch({ lookup: async () => '127.0.0.1', port: server.port });
    await expect(fetch('https://mta-sts.good.test/')).rejects.toBeInstanceOf(TypeError);
  });

  it('returns a 3xx as is with redirect: manual and rejects it otherwise', async () => {
    const fetch = fetchVia();
    const response = await fetch('https://mta-sts.redirect.test/.well-known/mta-sts.txt', { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('https://elsewhere.test/policy');
    await expect(fetch('https://mta-sts.redirect.test/', { redirect: 'error' })).rejects.toBeInstanceOf(TypeError);
    await expect(fetch('https://mta-sts.redirect.test/')).rejects.toBeInstanceOf(TypeError);
  });

  it('stops the download when the reader cancels after 64 KB of a 10 MB chunked body', async () => {
    const response = await fetchVia()('https://mta-sts.huge.test/');
    expect(response.headers.get('content-length')).toBeNull();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = 0;
    while (received < 64 * 1024) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
    }
    await reader.cancel();
    const record = await server.waitForRequest((r) => r.host === 'mta-sts.huge.test');
    await record.settled;
    expect(received).toBeGreaterThanOrEqual(64 * 1024);
    expect(record.aborted).toBe(true);
    expect(record.bytesWritten).toBeLessThan(2 * 1024 * 1024);
  });

  it('rejects with an AbortError when aborted while the server delays its headers', async () => {
    const controller = new AbortController();
    const pending = fetchVia()('https://mta-sts.slow.test/', { signal: controller.signal });
    const record = await server.waitForRequest((r) => r.host === 'mta-sts.slow.test');
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await record.settled;
    expect(record.aborted).toBe(true);
  });

  it('rejects with the signal reason when a hanging host times out', async () => {
    const pending = fetchVia()('https://mta-sts.hang.test/', { signal: AbortSignal.timeout(200) });
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('applies setDelay to every host', async () => {
    server.setDelay(60_000);
    try {
      const controller = new AbortController();
      const pending = fetchVia()('https://mta-sts.good.test/.well-known/mta-sts.txt?delayed', { signal: controller.signal });
      await server.waitForRequest((r) => r.path.endsWith('?delayed'));
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      server.setDelay(0);
    }
  });

  it('errors the body stream with the abort reason when aborted mid-body', async () => {
    const controller = new AbortController();
    const response = await fetchVia()('https://mta-sts.huge.test/?mid-body', { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('serves static files with the CSP header, and refuses paths outside the directory', async () => {
    const fetch = fetchVia();
    const page = await fetch('https://mail.google.com/');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe("script-src 'self'");
    expect(await page.text()).toContain('<title>fixture</title>');
    expect(await (await fetch('https://mail.google.com/js/app.js')).text()).toBe('console.log(1);');
    expect((await fetch('https://mail.google.com/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  });

  it('can replace a host at run time, certificate included', async () => {
    server.set('mta-sts.later.test', { body: 'first' });
    expect(await (await fetchVia()('https://mta-sts.later.test/')).text()).toBe('first');
    server.set('mta-sts.later.test', { body: 'second', cert: 'other-ca' });
    await expect(fetchVia()('https://mta-sts.later.test/')).rejects.toBeInstanceOf(TypeError);
  });
});

describe('https-hosts on port 443 of a per-suite loopback address', () => {
  it('binds 127.0.0.x:443 and the fetch dials the address from `lookup` on the URL port', async () => {
    const address = loopbackAddress(77);
    const hosts = await startHttpsHosts({ host: address, port: 443, ca, hosts: { 'mta-sts.bound.test': { body: POLICY } } });
    try {
      expect(hosts.port).toBe(443);
      expect(hosts.origin('mta-sts.bound.test')).toBe('https://mta-sts.bound.test');
      const looked: string[] = [];
      const fetch = createNodeHttpsFetch({ ca: [ca.certPem], lookup: async (name) => { looked.push(name); return address; } });
      expect(await (await fetch('https://mta-sts.bound.test/.well-known/mta-sts.txt')).text()).toBe(POLICY);
      expect(looked).toEqual(['mta-sts.bound.test']);
    } finally {
      await hosts.close();
    }
  });

  it('rejects a lookup failure with a TypeError', async () => {
    const fetch = createNodeHttpsFetch({ ca: ca.certPem, lookup: async () => { throw new Error('NXDOMAIN'); } });
    await expect(fetch('https://mta-sts.nowhere.test/')).rejects.toBeInstanceOf(TypeError);
  });

  it('close() ends hanging connections', async () => {
    const hosts = await startHttpsHosts({ ca, hosts: { 'h.test': { hang: true } } });
    const pending = createNodeHttpsFetch({ ca: ca.certPem, lookup: async () => '127.0.0.1', port: hosts.port })('https://h.test/');
    await hosts.waitForRequest();
    await hosts.close();
    await expect(pending).rejects.toBeInstanceOf(TypeError);
  });
});
