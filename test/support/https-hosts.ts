// One HTTPS server for many hostnames: SNI picks the certificate (RFC 6066 §3), the Host header
// picks the behaviour. Integration tests bind it on 443 of a per-suite loopback address (the CLI
// resolves mta-sts.<domain> through DoH and connects to port 443); e2e tests bind a random port
// on 127.0.0.1 and map names to it with Chromium's --host-resolver-rules.
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { createTestCa, issueCertificate, issueExpiredCertificate, issueNotYetValidCertificate, issueSelfSignedCertificate, type IssuedCertificate, type TestCa } from './ca.ts';

/** Which certificate a host presents. */
export type CertChoice =
  /** issued by the trusted test CA for the host name (default) */
  | 'trusted'
  /** issued for the host name by a second CA that nobody trusts */
  | 'other-ca'
  /** issued by the trusted CA, but for `wrong-name.invalid` */
  | 'wrong-name'
  /** issued by the trusted CA for the host name, expired yesterday */
  | 'expired'
  /** issued by the trusted CA for the host name, valid from tomorrow */
  | 'not-yet-valid'
  /** for the host name, signed by its own key (no CA at all) */
  | 'self-signed';

/** What one request gets. Fields combine: delay, then handler | redirect | raw HTTP (rawResponse,
 *  trickleMs, resetAfterBytes) | chunked | contentLengthBytes | static | body. */
export interface ResponseSpec {
  /** HTTP status; default 200 (301 with `redirect`). */
  status?: number;
  /** Body sent with Content-Length. Default: empty. */
  body?: string | Uint8Array;
  /** Content-Type of `body`; default `text/plain; charset=utf-8`. */
  contentType?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Answer with a redirect to this URL (status 301 unless `status` says otherwise). */
  redirect?: string;
  /** Wait this long before sending the headers. */
  delayMs?: number;
  /** Never answer (the connection stays open until the client gives up or close()). */
  hang?: boolean;
  /** Stream this many bytes (`x`) with chunked encoding and no Content-Length, as fast as the
   *  client reads; stops when the client goes away. See `HostRequest.bytesWritten`. */
  chunkedBytes?: number;
  /** Serve files from this directory (`/` → index.html). */
  static?: string;
  /** Content-Security-Policy header (useful with `static`, e.g. to mimic Gmail's CSP). */
  csp?: string;
  /** Stream this many filler bytes (`x`) WITH a Content-Length header, as fast as the client
   *  reads; stops when the client goes away. */
  contentLengthBytes?: number;
  /** Write these bytes to the socket as the whole response (status line, headers, body; HTTP/1.1
   *  framing of your own: lying lengths, HTTP/1.0, garbage), then close the connection. */
  rawResponse?: string | Uint8Array;
  /** Slow-loris: send the response (as raw HTTP/1.1, `Connection: close`) one byte every this
   *  many ms — from the first header byte, or from the first body byte with `trickleFrom: 'body'`. */
  trickleMs?: number;
  trickleFrom?: 'headers' | 'body';
  /** Send the headers and this many body bytes (of a body that claims to be longer), then reset
   *  the connection. */
  resetAfterBytes?: number;
  /** Hand the request to another server's request listener (e.g. `DohServer.handle`), so one
   *  port can serve several real names (a DoH resolver beside a webmail). The request is still
   *  recorded; `bytesWritten` stays 0. */
  handler?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** Behaviour of one hostname (an exact name or a one-label wildcard `*.example.test`). */
export interface HostConfig extends ResponseSpec {
  /** Certificate to present; default 'trusted'. */
  cert?: CertChoice;
  /** Per-path answers (path without query). When given, other paths get 404. */
  paths?: Record<string, ResponseSpec>;
}

export interface HostRequest {
  /** Host header without port (lower case); falls back to the SNI name. */
  host: string;
  /** SNI name the client sent (undefined for IP literals). */
  sni: string | undefined;
  method: string;
  /** Path including the query. */
  path: string;
  /** Date.now() when the request arrived. */
  at: number;
  /** Response body bytes written so far (chunked and static responses included). */
  bytesWritten: number;
  /** True once the response was fully sent. */
  finished: boolean;
  /** True if the client went away before the response was complete. */
  aborted: boolean;
  /** Resolves when the response is finished or the client went away. */
  settled: Promise<void>;
}

export interface StartHttpsHostsOptions {
  /** Bind address; default 127.0.0.1. Any 127.x.y.z works on Linux (all of 127/8 is on lo). */
  host?: string;
  /** Port; default 0 (random). 443 needs root. */
  port?: number;
  /** The CA that signs the 'trusted' certificates. */
  ca: TestCa;
  hosts: Record<string, HostConfig>;
}

export interface HttpsHosts {
  port: number;
  host: string;
  /** `https://name:port` for a configured name (no port when it is 443). */
  origin(hostname: string): string;
  /** Every request, oldest first. */
  requests: HostRequest[];
  /** The first request (already recorded or yet to come) that `match` accepts. */
  waitForRequest(match?: (request: HostRequest) => boolean): Promise<HostRequest>;
  /** Adds or replaces a host's behaviour (its certificate choice takes effect on new connections). */
  set(hostname: string, config: HostConfig): void;
  /** A delay before the headers of every response (added to a host's own delayMs). */
  setDelay(ms: number): void;
  /** Issues the certificates of every configured exact name now, instead of on first use (a
   *  suite that starts many hosts at once keeps the issuing CPU out of its timed part). */
  warm(): Promise<void>;
  close(): Promise<void>;
}

/** 127.0.0.n: a loopback address per suite, so each can bind its own port 443. */
export function loopbackAddress(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 254) throw new RangeError(`loopbackAddress: ${n} is not in 1..254`);
  return `127.0.0.${n}`;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Finds the config for a name: exact first, then `*.parent` for exactly one extra label. */
function lookupHost(hosts: Map<string, HostConfig>, name: string): { key: string; config: HostConfig } | undefined {
  const exact = hosts.get(name);
  if (exact) return { key: name, config: exact };
  const dot = name.indexOf('.');
  if (dot > 0) {
    const key = `*${name.slice(dot)}`;
    const wildcard = hosts.get(key);
    if (wildcard) return { key, config: wildcard };
  }
  return undefined;
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

export async function startHttpsHosts(options: StartHttpsHostsOptions): Promise<HttpsHosts> {
  const bindHost = options.host ?? '127.0.0.1';
  const hosts = new Map<string, HostConfig>();
  for (const [name, config] of Object.entries(options.hosts)) hosts.set(normaliseName(name), config);
  const requests: HostRequest[] = [];
  const waiters = new Set<(request: HostRequest) => boolean>();
  const sockets = new Set<Socket>();
  let globalDelay = 0;
  let otherCa: Promise<TestCa> | undefined;
  const contexts = new Map<string, Promise<SecureContext>>();

  async function issue(name: string, choice: CertChoice): Promise<IssuedCertificate> {
    const names = isIP(name) ? { dnsNames: [], ipAddresses: [name] } : { dnsNames: [name] };
    switch (choice) {
      case 'trusted': return issueCertificate(options.ca, names);
      case 'wrong-name': return issueCertificate(options.ca, { dnsNames: ['wrong-name.invalid'] });
      case 'expired': return issueExpiredCertificate(options.ca, names);
      case 'not-yet-valid': return issueNotYetValidCertificate(options.ca, names);
      case 'self-signed': return issueSelfSignedCertificate(names);
      case 'other-ca': return issueCertificate(await (otherCa ??= createTestCa('Untrusted Other CA')), names);
    }
  }

  /** Certificates are issued on first use and cached per (name pattern, choice). */
  function contextFor(name: string, choice: CertChoice): Promise<SecureContext> {
    const cacheKey = `${choice} ${name}`;
    let context = contexts.get(cacheKey);
    if (!context) {
      context = issue(name, choice).then(({ key, cert }) => createSecureContext({ key, cert }));
      contexts.set(cacheKey, context);
    }
    return context;
  }

  // Connections without SNI (IP literals) get a certificate for the bind address.
  const defaultContext = await issue(bindHost, 'trusted');

  const server: Server = createServer({
    key: defaultContext.key,
    cert: defaultContext.cert,
    SNICallback: (servername, callback) => {
      const name = normaliseName(servername);
      const found = lookupHost(hosts, name);
      // Unknown names get a trusted certificate too, so that the client sees the 404 instead of
      // a TLS failure: like a real host that exists but serves no policy.
      contextFor(found?.key ?? name, found?.config.cert ?? 'trusted').then(
        (context) => callback(null, context),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A client that rejects our certificate resets the handshake: that is expected, not an error.
  server.on('tlsClientError', () => {});

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const tlsSocket = req.socket as Socket & { servername?: string | false };
    const sni = typeof tlsSocket.servername === 'string' ? normaliseName(tlsSocket.servername) : undefined;
    const hostHeader = req.headers.host ? normaliseName(req.headers.host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')) : undefined;
    let settle = (): void => {};
    const record: HostRequest = {
      host: hostHeader ?? sni ?? bindHost, sni, method: req.method ?? 'GET', path: req.url ?? '/',
      at: Date.now(), bytesWritten: 0, finished: false, aborted: false,
      settled: new Promise<void>((done) => { settle = done; }),
    };
    res.on('finish', () => { record.finished = true; });
    res.on('close', () => {
      if (!record.finished) record.aborted = true;
      settle();
    });
    requests.push(record);
    for (const waiter of waiters) if (waiter(record)) waiters.delete(waiter);

    const found = lookupHost(hosts, record.host);
    let spec: ResponseSpec | undefined = found?.config;
    if (found?.config.paths) spec = found.config.paths[record.path.replace(/\?.*$/, '')];
    if (!spec) spec = { status: 404, body: 'not found\n' };

    const delay = globalDelay + (spec.delayMs ?? 0);
    if (delay > 0) {
      const timer = new Promise<void>((done) => setTimeout(done, delay));
      const gone = once(res, 'close');
      await Promise.race([timer, gone]);
      if (record.aborted) return;
    }
    if (spec.hang) return;
    await respond(spec, req, res, record);
  }

  function baseHeaders(spec: ResponseSpec): Record<string, string> {
    const headers: Record<string, string> = { ...spec.headers };
    if (spec.csp !== undefined) headers['content-security-policy'] = spec.csp;
    return headers;
  }

  async function respond(spec: ResponseSpec, req: IncomingMessage, res: ServerResponse, record: HostRequest): Promise<void> {
    if (spec.handler !== undefined) {
      spec.handler(req, res);
      return;
    }
    const headers = baseHeaders(spec);
    if (spec.redirect !== undefined) {
      res.writeHead(spec.status ?? 301, { ...headers, location: spec.redirect, 'content-length': '0' });
      res.end();
      return;
    }
    if (spec.rawResponse !== undefined || spec.trickleMs !== undefined || spec.resetAfterBytes !== undefined) {
      await respondRaw(spec, req, res, record, headers);
      return;
    }
    if (spec.contentLengthBytes !== undefined) {
      res.writeHead(spec.status ?? 200, { 'content-type': spec.contentType ?? 'text/plain; charset=utf-8', 'content-length': String(spec.contentLengthBytes), ...headers });
      await streamChunked(res, spec.contentLengthBytes, record);
      return;
    }
    if (spec.chunkedBytes !== undefined) {
      res.writeHead(spec.status ?? 200, { 'content-type': spec.contentType ?? 'text/plain; charset=utf-8', ...headers });
      await streamChunked(res, spec.chunkedBytes, record);
      return;
    }
    if (spec.static !== undefined) {
      await serveStatic(spec, res, record, headers);
      return;
    }
    const body = typeof spec.body === 'string' ? Buffer.from(spec.body) : Buffer.from(spec.body ?? new Uint8Array());
    res.writeHead(spec.status ?? 200, {
      'content-type': spec.contentType ?? 'text/plain; charset=utf-8',
      'content-length': String(body.length),
      ...headers,
    });
    res.end(body);
    record.bytesWritten = body.length;
  }

  /** Writes the response straight to the socket: framing the test controls, byte by byte if asked. */
  async function respondRaw(spec: ResponseSpec, req: IncomingMessage, res: ServerResponse, record: HostRequest, headers: Record<string, string>): Promise<void> {
    const socket = req.socket;
    const body = typeof spec.body === 'string' ? Buffer.from(spec.body) : Buffer.from(spec.body ?? new Uint8Array());
    let head: Buffer;
    let payload: Buffer;
    if (spec.rawResponse !== undefined) {
      head = Buffer.alloc(0);
      payload = Buffer.from(spec.rawResponse);
    } else {
      const status = spec.status ?? 200;
      const lines = [
        `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Status'}`,
        `content-type: ${spec.contentType ?? 'text/plain; charset=utf-8'}`,
        `content-length: ${spec.resetAfterBytes !== undefined ? body.length + 1000 : body.length}`,
        'connection: close',
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      ];
      head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
      payload = spec.resetAfterBytes !== undefined ? body.subarray(0, spec.resetAfterBytes) : body;
    }
    const gone = (): boolean => socket.destroyed || record.aborted;
    if (spec.trickleMs === undefined) {
      socket.write(Buffer.concat([head, payload]));
      record.bytesWritten = payload.length;
      if (spec.resetAfterBytes !== undefined) socket.resetAndDestroy();
      else socket.end();
      return;
    }
    const slow = spec.trickleFrom === 'body' ? payload : Buffer.concat([head, payload]);
    if (spec.trickleFrom === 'body') socket.write(head);
    const closed = once(res, 'close').catch(() => undefined);
    for (let i = 0; i < slow.length && !gone(); i++) {
      socket.write(slow.subarray(i, i + 1));
      if (spec.trickleFrom === 'body' || i >= head.length) record.bytesWritten++;
      await Promise.race([new Promise<void>((done) => setTimeout(done, spec.trickleMs)), closed]);
    }
    if (!gone()) {
      if (spec.resetAfterBytes !== undefined) socket.resetAndDestroy();
      else socket.end();
    }
  }

  async function streamChunked(res: ServerResponse, total: number, record: HostRequest): Promise<void> {
    const chunk = Buffer.alloc(16 * 1024, 'x');
    while (record.bytesWritten < total && !res.destroyed) {
      const size = Math.min(chunk.length, total - record.bytesWritten);
      const ok = res.write(size === chunk.length ? chunk : chunk.subarray(0, size));
      record.bytesWritten += size;
      // Respect backpressure: wait for the socket to drain (or die) before writing more.
      if (!ok) {
        // Remove both listeners afterwards: a long stream would otherwise pile them up.
        const done = new AbortController();
        await Promise.race([once(res, 'drain', { signal: done.signal }), once(res, 'close', { signal: done.signal })]);
        done.abort();
      }
    }
    if (!res.destroyed) res.end();
  }

  async function serveStatic(spec: ResponseSpec, res: ServerResponse, record: HostRequest, headers: Record<string, string>): Promise<void> {
    const root = resolve(spec.static ?? '.');
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(record.path, 'https://x').pathname);
    } catch {
      pathname = '/';
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    const file = resolve(join(root, pathname));
    const inside = file === root || file.startsWith(root + sep);
    const info = inside ? await stat(file).catch(() => undefined) : undefined;
    if (!info?.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end('not found\n');
      return;
    }
    res.writeHead(spec.status ?? 200, {
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': String(info.size),
      'cache-control': 'no-store',
      ...headers,
    });
    const stream = createReadStream(file);
    stream.on('data', (data) => { record.bytesWritten += data.length; });
    stream.pipe(res);
    await once(res, 'close');
  }

  server.listen(options.port ?? 0, bindHost);
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('https-hosts: no TCP address');
  const port = address.port;

  return {
    port,
    host: bindHost,
    origin: (hostname) => `https://${hostname}${port === 443 ? '' : `:${port}`}`,
    requests,
    waitForRequest(match = () => true) {
      const seen = requests.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise<HostRequest>((resolveRequest) => {
        waiters.add((request) => {
          if (!match(request)) return false;
          resolveRequest(request);
          return true;
        });
      });
    },
    set(hostname, config) {
      hosts.set(normaliseName(hostname), config);
    },
    setDelay(ms) {
      globalDelay = ms;
    },
    async warm() {
      const exact = [...hosts.entries()].filter(([name]) => !name.startsWith('*'));
      await Promise.all(exact.map(([name, config]) => contextFor(name, config.cert ?? 'trusted')));
    },
    async close() {
      const closed = new Promise<void>((done) => server.close(() => done()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
