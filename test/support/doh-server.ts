// An in-process RFC 8484 DoH server for integration and end-to-end tests: GET ?dns= and POST on
// /dns-query, answering from a test Zone (zone.ts) the way a validating recursive resolver does.
// With TLS it speaks HTTP/2 (RFC 8484 s5.2: "HTTP/2 is the minimum RECOMMENDED version"), as
// Cloudflare and Google do, and HTTP/1.1 to clients that offer only that (ALPN, allowHTTP1).
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import * as dnsPacket from '@dnsquery/dns-packet';
import type { Answer, Packet } from '@dnsquery/dns-packet';
import { resolveInZone, checkZone, type Zone } from './zone.ts';

const DNS_MESSAGE = 'application/dns-message';
const MAX_QUERY_BYTES = 65_535;

/** Ways to misbehave at the HTTP level, for failover tests. */
export type FailMode = 'http500' | 'wrong-type' | null;

export interface DohServerOptions {
  zone: Zone;
  /** PEM key and certificate: serve HTTPS. Without: plain HTTP. */
  tls?: { key: string; cert: string };
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Delay before each answer, in ms (simulates resolver latency). */
  delayMs?: number;
  failMode?: FailMode;
}

export interface DohQueryLogEntry {
  name: string;
  type: string;
  /** Epoch ms when the query arrived. */
  at: number;
}

export interface DohServer {
  /** The endpoint, e.g. http://127.0.0.1:43123/dns-query */
  url: string;
  port: number;
  /** Every well-formed query received, in arrival order (including hung and failed ones). */
  queries: DohQueryLogEntry[];
  setDelay(ms: number): void;
  setZone(zone: Zone): void;
  setFailMode(mode: FailMode): void;
  /** The request listener itself: lets another HTTPS server (https-hosts `handler`) answer DoH
   *  for a real resolver name such as cloudflare-dns.com on its own port. Queries are logged. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

async function queryBytes(req: IncomingMessage, url: URL): Promise<Uint8Array | { status: number; text: string }> {
  if (req.method === 'GET') {
    const param = url.searchParams.get('dns');
    // RFC 8484 s4.1: base64url without padding.
    if (!param || !/^[A-Za-z0-9_-]+$/.test(param)) return { status: 400, text: 'missing or malformed dns parameter' };
    return new Uint8Array(Buffer.from(param, 'base64url'));
  }
  if (req.method === 'POST') {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== DNS_MESSAGE) return { status: 415, text: `POST needs Content-Type: ${DNS_MESSAGE}` };
    const body = await readBody(req, MAX_QUERY_BYTES);
    if (!body) return { status: 413, text: 'query too large' };
    return new Uint8Array(body);
  }
  return { status: 405, text: 'GET or POST only' };
}

/**
 * The DNS response a validating resolver would give for `query` from `zone` (or 'hang' for a
 * name that is never answered), plus the HTTP freshness lifetime (RFC 8484 s5.1).
 */
export function answerQuery(zone: Zone, query: Packet): { response: Uint8Array; maxAge: number } | 'hang' {
  const question = query.questions?.[0];
  if (!question) throw new Error('answerQuery: no question');
  const result = resolveInZone(zone, question.name, String(question.type));
  if (result.kind === 'hang') return 'hang';
  const queryOpt = query.additionals?.find((rr) => rr.type === 'OPT') as { flags?: number } | undefined;
  const flags = ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | dnsPacket.RECURSION_AVAILABLE
    | (result.authenticData ? dnsPacket.AUTHENTIC_DATA : 0) | result.rcode;
  const additionals: Answer[] = queryOpt
    // RFC 6891 s7: answer EDNS with EDNS; echo DO (RFC 3225 s3), add no DNSSEC records.
    ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: (queryOpt.flags ?? 0) & dnsPacket.DNSSEC_OK } as unknown as Answer]
    : [];
  const response = dnsPacket.encode({
    type: 'response',
    id: query.id ?? 0,
    flags,
    questions: [question],
    answers: result.answers,
    authorities: result.authorities,
    additionals,
  });
  const ttls = [...result.answers, ...result.authorities].map((rr) => rr.ttl ?? 0);
  if (queryOpt && result.ede !== undefined) return { response: withEde(response, result.ede), maxAge: 0 };
  return { response, maxAge: result.rcode === 2 || ttls.length === 0 ? 0 : Math.min(...ttls) };
}

/**
 * The response with an Extended DNS Error option (RFC 8914 s2: INFO-CODE, no EXTRA-TEXT) in its
 * OPT record, which the encoder left last and empty. Appended by hand: dns-packet's encoder does
 * not copy option data.
 */
function withEde(response: Uint8Array, infoCode: number): Uint8Array {
  const out = new Uint8Array(response.length + 6);
  out.set(response.subarray(0, response.length - 2));
  out.set([0, 6, 0, 15, 0, 2, (infoCode >> 8) & 0xff, infoCode & 0xff], response.length - 2);
  return out;
}

export async function startDohServer(options: DohServerOptions): Promise<DohServer> {
  checkZone(options.zone);
  let zone = options.zone;
  let delayMs = options.delayMs ?? 0;
  let failMode: FailMode = options.failMode ?? null;
  const queries: DohQueryLogEntry[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const held = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/dns-query') return plain(res, 404, 'not found');
    const bytes = await queryBytes(req, url);
    if (!(bytes instanceof Uint8Array)) return plain(res, bytes.status, bytes.text);

    let query: Packet;
    try {
      query = dnsPacket.decode(bytes);
    } catch {
      return plain(res, 400, 'malformed DNS message');
    }
    const question = query.questions?.[0];
    if (query.type !== 'query' || !question || (query.questions?.length ?? 0) !== 1) return plain(res, 400, 'expected one question');
    const qtype = String(question.type);
    queries.push({ name: question.name.toLowerCase().replace(/\.$/, ''), type: qtype, at: Date.now() });

    const respond = () => {
      if (failMode === 'http500') return plain(res, 500, 'internal error (test failMode)');
      if (failMode === 'wrong-type') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end('<html><body>not a DNS message</body></html>');
      }
      const answer = answerQuery(zone, query);
      if (answer === 'hang') {
        // Never answer; close() destroys the connection.
        held.add(res);
        return;
      }
      const { response, maxAge } = answer;
      res.writeHead(200, { 'content-type': DNS_MESSAGE, 'content-length': response.length, 'cache-control': `max-age=${maxAge}` });
      res.end(response);
    };

    if (delayMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        respond();
      }, delayMs);
      timers.add(timer);
    } else {
      respond();
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) plain(res, 500, `test server error: ${e instanceof Error ? e.message : String(e)}`);
      else res.destroy();
    });
  };
  // The HTTP/2 compatibility API hands the listener request/response objects with the same
  // surface as node:http's (headers, url, method, data events, writeHead, end, destroy).
  const server = options.tls
    ? createSecureServer({ key: options.tls.key, cert: options.tls.cert, allowHTTP1: true }, listener as unknown as Parameters<typeof createSecureServer>[1])
    : createHttpServer(listener);
  // Every TCP connection (HTTP/1.1 or HTTP/2), so close() can end kept-alive ones at once.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A client that rejects the certificate or goes away mid-handshake is not a server error.
  if (options.tls) (server as Http2SecureServer).on('tlsClientError', () => {});

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `${options.tls ? 'https' : 'http'}://${urlHost}:${port}/dns-query`,
    port,
    queries,
    setDelay(ms: number) {
      delayMs = ms;
    },
    setZone(next: Zone) {
      checkZone(next);
      zone = next;
    },
    setFailMode(mode: FailMode) {
      failMode = mode;
    },
    handle: listener,
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const res of held) res.destroy();
      held.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
