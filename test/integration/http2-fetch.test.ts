// The Node fetches of src/node against real TLS servers with a run-time test CA: the DoH server
// (which speaks HTTP/2 and HTTP/1.1), a bare HTTP/2 server for redirects, slow and endless bodies,
// an HTTP/1.1-only server for the ALPN fallback, and servers that never finish connecting (a
// black hole that accepts TCP and says nothing, a TLS server that never sends HTTP/2 SETTINGS).
import { once } from 'node:events';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { createSecureServer, type Http2SecureServer, type ServerHttp2Stream } from 'node:http2';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttp2Fetch } from '../../src/node/http2-fetch.ts';
import { createHttp2DohExchange } from '../../src/node/doh-exchange.ts';
import { createResolverForUrls } from '../../src/node/resolver.ts';
import { classify, createDohResolver } from '../../src/core/dns/index.ts';
import { createTestCa, issueCertificate, type TestCa } from '../support/ca.ts';
import { startDohServer, type DohServer } from '../support/doh-server.ts';
import { createNodeHttpsFetch } from '../support/node-https-fetch.ts';
import { loadZone } from '../support/zone.ts';

const zone = loadZone(fileURLToPath(new URL('../fixtures/zones/example.json', import.meta.url)));

let ca: TestCa;
let doh: DohServer;
let h2: Http2SecureServer;
let h2Origin: string;
let h1: HttpsServer;
let h1Origin: string;
const h2Streams: ServerHttp2Stream[] = [];
let h2Sessions = 0;
let blackHole: TcpServer;
let blackHoleOrigin: string;
const blackHoleSockets: Socket[] = [];
let mute: TlsServer;
let muteOrigin: string;
const muteSockets: TLSSocket[] = [];

beforeAll(async () => {
  ca = await createTestCa();
  const leaf = await issueCertificate(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  doh = await startDohServer({ zone, tls: leaf });
  h2 = createSecureServer({ key: leaf.key, cert: leaf.cert });
  h2.on('session', () => { h2Sessions++; });
  h2.on('stream', (stream, headers) => {
    h2Streams.push(stream);
    stream.on('error', () => {});
    const path = String(headers[':path']);
    if (path.startsWith('/dns-query?')) {
      // A DoH endpoint that misbehaves on request: kind=html (wrong type), big (over 64 KiB), slow.
      const kind = new URLSearchParams(path.slice(path.indexOf('?') + 1)).get('kind');
      if (kind === 'html') { stream.respond({ ':status': 200, 'content-type': 'text/html' }); stream.end('<p>hi</p>'); return; }
      if (kind === 'big') { stream.respond({ ':status': 200, 'content-type': 'application/dns-message' }); stream.end(Buffer.alloc(70_000)); return; }
      if (kind === 'slow') return;
      stream.respond({ ':status': 503 }); stream.end();
      return;
    }
    switch (headers[':path']) {
      case '/redirect': stream.respond({ ':status': 301, location: 'https://localhost/elsewhere' }); stream.end(); break;
      case '/slow': setTimeout(() => { if (!stream.closed) { stream.respond({ ':status': 200 }); stream.end('late'); } }, 5_000); break;
      case '/endless': {
        stream.respond({ ':status': 200, 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(16 * 1024, 'x');
        const pump = (): void => { while (!stream.closed && stream.write(chunk)); };
        stream.on('drain', pump);
        pump();
        break;
      }
      case '/echo': {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => { stream.respond({ ':status': 200, 'x-method': String(headers[':method']) }); stream.end(Buffer.concat(chunks)); });
        break;
      }
      default: stream.respond({ ':status': 404 }); stream.end('not found');
    }
  });
  h2.listen(0, '127.0.0.1');
  await once(h2, 'listening');
  h2Origin = `https://localhost:${(h2.address() as AddressInfo).port}`;
  h1 = createHttpsServer({ key: leaf.key, cert: leaf.cert }, (_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('http/1.1 here'); });
  h1.listen(0, '127.0.0.1');
  await once(h1, 'listening');
  h1Origin = `https://localhost:${(h1.address() as AddressInfo).port}`;
  // Accepts TCP, reads the ClientHello, never answers.
  blackHole = createTcpServer((socket) => { blackHoleSockets.push(socket); socket.on('error', () => {}); socket.resume(); });
  blackHole.listen(0, '127.0.0.1');
  await once(blackHole, 'listening');
  blackHoleOrigin = `https://localhost:${(blackHole.address() as AddressInfo).port}`;
  // Completes TLS with ALPN h2, then never sends SETTINGS (nor anything else).
  mute = createTlsServer({ key: leaf.key, cert: leaf.cert, ALPNProtocols: ['h2'] }, (socket) => { muteSockets.push(socket); socket.on('error', () => {}); socket.resume(); });
  mute.listen(0, '127.0.0.1');
  await once(mute, 'listening');
  muteOrigin = `https://localhost:${(mute.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const stream of h2Streams) stream.destroy();
  h1.closeAllConnections();
  for (const socket of [...blackHoleSockets, ...muteSockets]) socket.destroy();
  await Promise.all([new Promise((done) => blackHole.close(done)), new Promise((done) => mute.close(done))]);
  await Promise.all([doh.close(), new Promise((done) => h2.close(done)), new Promise((done) => h1.close(done))]);
});

describe('createHttp2Fetch', () => {
  it('answers DoH queries over one multiplexed session', async () => {
    const fetch = createHttp2Fetch({ ca: ca.certPem });
    try {
      const resolver = createDohResolver({ urls: [doh.url], fetch, timeoutMs: 5_000 });
      const results = await Promise.all(Array.from({ length: 20 }, () => resolver.query('signed.test', 'MX')));
      expect(results.map(classify)).toEqual(Array(20).fill('secure'));
      const post = createDohResolver({ urls: [doh.url], fetch, timeoutMs: 5_000, method: 'POST' });
      expect((await post.query('signed.test', 'MX')).outcome).toBe('answer');
      expect(fetch.sessionsOpened).toBe(1);
    } finally {
      fetch.close();
    }
  });

  it('follows the server\'s SETTINGS_MAX_CONCURRENT_STREAMS: requests beyond it wait on the same session', async () => {
    const leaf = await issueCertificate(ca, { dnsNames: ['localhost'] });
    const narrow = createSecureServer({ key: leaf.key, cert: leaf.cert, settings: { maxConcurrentStreams: 2 } });
    let open = 0;
    let most = 0;
    let sessions = 0;
    narrow.on('session', () => { sessions++; });
    narrow.on('stream', (stream) => {
      open++;
      most = Math.max(most, open);
      stream.on('error', () => {});
      // Answer only once a later stream could have arrived: concurrency above 2 would show.
      setImmediate(() => setImmediate(() => { open--; stream.respond({ ':status': 200 }); stream.end('ok'); }));
    });
    narrow.listen(0, '127.0.0.1');
    await once(narrow, 'listening');
    const fetch = createHttp2Fetch({ ca: ca.certPem });
    try {
      const origin = `https://localhost:${(narrow.address() as AddressInfo).port}`;
      fetch.preconnect(origin);
      const bodies = await Promise.all(Array.from({ length: 12 }, async () => (await fetch(`${origin}/`)).text()));
      expect(bodies).toEqual(Array(12).fill('ok'));
      const bytes = await Promise.all(Array.from({ length: 12 }, () => fetch.getBytes(`${origin}/`, { timeoutMs: 5_000, maxBytes: 100 })));
      expect(bytes.map((b) => Buffer.from(b.body ?? []).toString())).toEqual(Array(12).fill('ok'));
      expect(most).toBe(2);
      expect(sessions).toBe(1);
      expect(fetch.sessionsOpened).toBe(1);
    } finally {
      fetch.close();
      await new Promise((done) => narrow.close(done));
    }
  });

  it('createResolverForUrls over an Http2Fetch: DoH through getBytes, every query on one session', async () => {
    const fetch = createHttp2Fetch({ ca: ca.certPem });
    try {
      const resolver = createResolverForUrls([doh.url], { doh: fetch, timeoutMs: 5_000 });
      const results = await Promise.all(Array.from({ length: 20 }, () => resolver.query('signed.test', 'MX')));
      expect(results.map(classify)).toEqual(Array(20).fill('secure'));
      expect((await resolver.query('nothing-here.signed.test', 'A')).outcome).toBe('nxdomain');
      expect(fetch.sessionsOpened).toBe(1);
    } finally {
      fetch.close();
    }
  });

  it('the getBytes DoH exchange: HTTP status, content type, size cap and timeout are failures of that resolver', async () => {
    const fetch = createHttp2Fetch({ ca: ca.certPem });
    try {
      const ask = (kind: string, timeoutMs = 2_000) => createHttp2DohExchange(`${h2Origin}/dns-query?kind=${kind}`, fetch)('example.com', 'MX', { timeoutMs });
      expect(await ask('none')).toMatchObject({ kind: 'error', error: expect.stringMatching(/answered HTTP 503/) });
      expect(await ask('html')).toMatchObject({ kind: 'error', error: expect.stringMatching(/content type "text\/html"/) });
      expect(await ask('big')).toMatchObject({ kind: 'error', error: expect.stringMatching(/larger than the 65536 bytes/) });
      expect(await ask('slow', 200)).toMatchObject({ kind: 'timeout', error: expect.stringMatching(/did not answer within 200 ms/) });
      const controller = new AbortController();
      const pending = createHttp2DohExchange(`${h2Origin}/dns-query?kind=slow`, fetch)('example.com', 'MX', { timeoutMs: 5_000, signal: controller.signal });
      controller.abort();
      expect(await pending).toEqual({ kind: 'aborted' });
      expect(fetch.sessionsOpened).toBe(1);
    } finally {
      fetch.close();
    }
  });

  it('rejects a server certificate from an untrusted CA', async () => {
    const fetch = createHttp2Fetch({ ca: (await createTestCa('Other CA')).certPem });
    await expect(fetch(doh.url + '?dns=AAABAAABAAAAAAAAB2V4YW1wbGUDY29tAAABAAE')).rejects.toThrow(TypeError);
    fetch.close();
  });

  it('sends a body and returns status, headers and body', async () => {
    const fetch = createHttp2Fetch({ ca: ca.certPem });
    try {
      const response = await fetch(`${h2Origin}/echo`, { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-method')).toBe('POST');
      expect(await response.text()).toBe('hello');
      const missing = await fetch(`${h2Origin}/nothing`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).toBe('not found');
    } finally {
      fetch.close();
    }
  });

  it('never follows a redirect: manual returns the 3xx, otherwise it rejects', async () => {
    const fetch = createHttp2Fetch({ ca: ca.certPem });
    try {
      await expect(fetch(`${h2Origin}/redirect`)).rejects.toThrow(/not followed/);
      await expect(fetch(`${h2Origin}/redirect`, { redirect: 'error' })).rejects.toThrow(TypeError);
      const manual = await fetch(`${h2Origin}/redirect`, { redirect: 'manual' });
      expect(manual.status).toBe(301);
      expect(manual.headers.get('location')).toBe('https://localhost/elsewhere');
    } finally {
      fetch.close();
    }
  });

  it('an abort before the response rejects with the reason and leaves the session usable', async () => {
    const fetch = createHttp2Fetch({ ca: ca.certPem });
    try {
      const controller = new AbortController();
      const pending = fetch(`${h2Origin}/slow`, { signal: controller.signal });
      await expect.poll(() => h2Streams.length).toBeGreaterThan(0);
      controller.abort(new Error('gave up'));
      await expect(pending).rejects.toThrow('gave up');
      expect((await fetch(`${h2Origin}/nothing`)).status).toBe(404);
      expect(fetch.sessionsOpened).toBe(1);
    } finally {
      fetch.close();
    }
  });

  it('streams the body: a reader can stop an endless response by cancelling or aborting', async () => {
    const fetch = createHttp2Fetch({ ca: ca.certPem });
    try {
      const response = await fetch(`${h2Origin}/endless`);
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(first.value!.length).toBeGreaterThan(0);
      await reader.cancel();

      const controller = new AbortController();
      const again = await fetch(`${h2Origin}/endless`, { signal: controller.signal });
      const reader2 = again.body!.getReader();
      await reader2.read();
      controller.abort(new Error('enough'));
      await expect(async () => { for (;;) if ((await reader2.read()).done) break; }).rejects.toThrow('enough');
      expect(fetch.sessionsOpened).toBe(1);
    } finally {
      fetch.close();
    }
  });

  it('an already aborted signal rejects before connecting', async () => {
    const fetch = createHttp2Fetch({ ca: ca.certPem });
    const before = h2Sessions;
    await expect(fetch(`${h2Origin}/nothing`, { signal: AbortSignal.abort(new Error('early')) })).rejects.toThrow('early');
    expect(h2Sessions).toBe(before);
    fetch.close();
  });

  it('an HTTP/1.1-only server goes to the fallback, or fails without one', async () => {
    const plain = createHttp2Fetch({ ca: ca.certPem });
    await expect(plain(`${h1Origin}/`)).rejects.toThrow(TypeError);
    plain.close();
    const withFallback = createHttp2Fetch({ ca: ca.certPem, http1Fallback: createNodeHttpsFetch({ ca: ca.certPem }) });
    const response = await withFallback(`${h1Origin}/`);
    expect(await response.text()).toBe('http/1.1 here');
    expect(withFallback.sessionsOpened).toBe(0);
    withFallback.close();
  });

  it('dials the address from lookup while checking the certificate against the URL name', async () => {
    const port = Number(new URL(h2Origin).port);
    const fetch = createHttp2Fetch({ ca: ca.certPem, lookup: async () => '127.0.0.1', port });
    try {
      expect((await fetch('https://localhost/nothing')).status).toBe(404);
    } finally {
      fetch.close();
    }
  });
});

/** Resolves when the server side of the newest connection in `sockets` is closed by the client. */
async function clientHangsUp(sockets: readonly Socket[], before: number): Promise<void> {
  await expect.poll(() => sockets.length).toBeGreaterThan(before);
  const socket = sockets[sockets.length - 1] as Socket;
  if (!socket.destroyed) await once(socket, 'close');
}

describe('connecting never hangs', () => {
  it('http2: a server that accepts TCP but never completes TLS fails at the connect timeout and is hung up on', async () => {
    const fetch = createHttp2Fetch({ ca: ca.certPem, connectTimeoutMs: 300 });
    const before = blackHoleSockets.length;
    try {
      await expect(fetch(`${blackHoleOrigin}/dns-query`)).rejects.toThrow(/no connection to localhost:\d+ within 300 ms/);
      await clientHangsUp(blackHoleSockets, before);
    } finally {
      fetch.close();
    }
  });

  it('http2: an abort ends the wait for the connection; close() destroys the connection being made', async () => {
    const fetch = createHttp2Fetch({ ca: ca.certPem });
    const before = blackHoleSockets.length;
    const controller = new AbortController();
    const pending = fetch(`${blackHoleOrigin}/dns-query`, { signal: controller.signal });
    await expect.poll(() => blackHoleSockets.length).toBeGreaterThan(before);
    controller.abort(new Error('query timed out'));
    await expect(pending).rejects.toThrow('query timed out');
    fetch.close();
    await clientHangsUp(blackHoleSockets, before);
    await expect(fetch(`${h2Origin}/nothing`)).rejects.toThrow(/closed/);
  });

  it('http2: preconnect opens the connection, and close() ends it while still connecting', async () => {
    const fetch = createHttp2Fetch({ ca: ca.certPem });
    const before = blackHoleSockets.length;
    fetch.preconnect(`${blackHoleOrigin}/dns-query`);
    await expect.poll(() => blackHoleSockets.length).toBeGreaterThan(before);
    fetch.close();
    await clientHangsUp(blackHoleSockets, before);
  });

  it('http2: a TLS server that never sends SETTINGS fails the session at the connect timeout', async () => {
    const fetch = createHttp2Fetch({ ca: ca.certPem, connectTimeoutMs: 300 });
    const before = muteSockets.length;
    try {
      await expect(fetch(`${muteOrigin}/dns-query`)).rejects.toThrow(TypeError);
      await clientHangsUp(muteSockets, before);
    } finally {
      fetch.close();
    }
  });

  it('http2: preconnect makes the session that the first request then uses', async () => {
    const fetch = createHttp2Fetch({ ca: ca.certPem });
    const before = h2Sessions;
    try {
      fetch.preconnect(`${h2Origin}/`);
      await expect.poll(() => h2Sessions).toBe(before + 1);
      expect((await fetch(`${h2Origin}/nothing`)).status).toBe(404);
      expect(fetch.sessionsOpened).toBe(1);
      expect(h2Sessions).toBe(before + 1);
    } finally {
      fetch.close();
    }
  });

  it('https: a server that accepts TCP but never completes TLS fails at the connect timeout', async () => {
    const fetch = createNodeHttpsFetch({ ca: ca.certPem, connectTimeoutMs: 300 });
    const before = blackHoleSockets.length;
    await expect(fetch(`${blackHoleOrigin}/.well-known/mta-sts.txt`)).rejects.toThrow(/no connection within 300 ms/);
    await clientHangsUp(blackHoleSockets, before);
  });

  it('https: an abort during the TLS handshake rejects with its reason; close() ends requests in flight', async () => {
    const fetch = createNodeHttpsFetch({ ca: ca.certPem });
    const before = blackHoleSockets.length;
    const controller = new AbortController();
    const pending = fetch(`${blackHoleOrigin}/`, { signal: controller.signal });
    await expect.poll(() => blackHoleSockets.length).toBeGreaterThan(before);
    controller.abort(new Error('policy fetch timed out'));
    await expect(pending).rejects.toThrow('policy fetch timed out');
    await clientHangsUp(blackHoleSockets, before);

    const second = fetch(`${blackHoleOrigin}/`);
    await expect.poll(() => blackHoleSockets.length).toBeGreaterThan(before + 1);
    fetch.close();
    await expect(second).rejects.toThrow(/closed/);
    await clientHangsUp(blackHoleSockets, before + 1);
    await expect(fetch(`${h1Origin}/`)).rejects.toThrow(/closed/);
  });
});
