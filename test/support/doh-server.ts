// An in-process RFC 8484 DoH server for integration and end-to-end tests: GET ?dns= and POST on
// /dns-query, answering from a test Zone (zone.ts) the way a validating recursive resolver does.
// With TLS it speaks HTTP/2 (RFC 8484 s5.2: "HTTP/2 is the minimum RECOMMENDED version"), as
// Cloudflare and Google do, and HTTP/1.1 to clients that offer only that (ALPN, allowHTTP1).
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { constants as http2Constants, createSecureServer, type Http2SecureServer, type ServerHttp2Stream } from 'node:http2';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import * as dnsPacket from '@dnsquery/dns-packet';
import type { Answer, Packet } from '@dnsquery/dns-packet';
import { startClassicDnsListener } from './classic-dns-listener.ts';
import { resolveInZone, checkZone, zoneChanged, type Zone } from './zone.ts';

const DNS_MESSAGE = 'application/dns-message';
const MAX_QUERY_BYTES = 65_535;

/** Ways to misbehave at the HTTP level, for failover tests. */
export type FailMode = 'http500' | 'wrong-type' | null;

/** One query as a hostile handler sees it. */
export interface HostileQuery {
  /** Lower-case, no trailing dot. */
  name: string;
  type: string;
  packet: Packet;
  /** The query as received. */
  raw: Uint8Array;
  /** The zone's own answer (what an honest resolver would send), or 'hang'. */
  zoneAnswer(): Uint8Array | 'hang';
}

/**
 * How one query is answered instead of from the zone (hostile-DNS tests). Fields combine:
 * reset | redirect | hang, else status/headers, then the body: `wire` (a DNS message) or `body`,
 * optionally trickled, stalled or followed by filler bytes.
 */
export interface HostileResponse {
  /** The DNS message to send; a function builds it from the query (to echo its question). */
  wire?: Uint8Array | ((query: HostileQuery) => Uint8Array);
  /** A body that is not a DNS message (HTML, JSON, text). */
  body?: string | Uint8Array;
  /** HTTP status; default 200 (301 with `redirect`). */
  status?: number;
  /** Content-Type; default application/dns-message; null: no Content-Type at all. */
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Declared Content-Length; default the real length; null: none; a function of the real length
   *  (to lie about it). */
  contentLength?: number | null | ((bodyLength: number) => number);
  /** After the body, stream this many filler bytes (0x00), as fast as the client reads. */
  streamBytes?: number;
  /** Send the headers and this many body bytes, then nothing more (the stream stays open). */
  stallAfterBytes?: number;
  /** Send the body one byte every this many ms. */
  trickleMs?: number;
  /** Never answer at all. */
  hang?: boolean;
  /** Reset the stream (HTTP/2 RST_STREAM; HTTP/1.1: close the connection) without answering. */
  reset?: boolean;
  /** Answer with a redirect to this URL. */
  redirect?: string;
}

/**
 * Hostile answers per query: a map keyed by `name TYPE` (lower-case, no trailing dot; `name *`
 * for every type), or a function returning undefined for queries the zone should answer.
 */
export type HostileDns = Record<string, HostileResponse> | ((query: HostileQuery) => HostileResponse | undefined);

function findHostile(hostile: HostileDns | undefined, query: HostileQuery): HostileResponse | undefined {
  if (!hostile) return undefined;
  if (typeof hostile === 'function') return hostile(query);
  return hostile[`${query.name} ${query.type}`] ?? hostile[`${query.name} *`];
}

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
  /** Per-query misbehaviour, consulted before the zone (see HostileDns). HTTP only. */
  hostile?: HostileDns;
  /** Also answer classic DNS (UDP, TCP) on `host` (classic-dns-listener.ts): same zone, delay and log. */
  classic?: boolean;
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
  /** dns://HOST:PORT when started with `classic`. */
  classicUrl?: string;
  /** Every well-formed query received, in arrival order (including hung and failed ones). */
  queries: DohQueryLogEntry[];
  setDelay(ms: number): void;
  setZone(zone: Zone): void;
  setFailMode(mode: FailMode): void;
  setHostile(hostile: HostileDns | undefined): void;
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

/** Writes `total` zero bytes as fast as the client reads them; stops when it goes away. */
async function streamFiller(res: ServerResponse, total: number): Promise<void> {
  const chunk = Buffer.alloc(16 * 1024);
  let written = 0;
  while (written < total && !res.destroyed && !res.writableEnded) {
    const size = Math.min(chunk.length, total - written);
    const ok = res.write(size === chunk.length ? chunk : chunk.subarray(0, size));
    written += size;
    if (!ok) {
      const done = new AbortController();
      await Promise.race([once(res, 'drain', { signal: done.signal }), once(res, 'close', { signal: done.signal })]).catch(() => undefined);
      done.abort();
    }
  }
  if (!res.destroyed && !res.writableEnded) res.end();
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
  let hostile: HostileDns | undefined = options.hostile;
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

    const hostileQuery: HostileQuery = {
      name: question.name.toLowerCase().replace(/\.$/, ''),
      type: qtype,
      packet: query,
      raw: bytes,
      zoneAnswer: () => {
        const answer = answerQuery(zone, query);
        return answer === 'hang' ? 'hang' : answer.response;
      },
    };

    const respond = () => {
      const misbehaviour = findHostile(hostile, hostileQuery);
      if (misbehaviour) return respondHostile(res, misbehaviour, hostileQuery);
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

  /** Keeps a response open until the client or close() ends it. */
  const hold = (res: ServerResponse): void => {
    held.add(res);
    res.once('close', () => held.delete(res));
  };

  const respondHostile = (res: ServerResponse, spec: HostileResponse, query: HostileQuery): void => {
    if (spec.reset) {
      const stream = (res as unknown as { stream?: ServerHttp2Stream }).stream;
      if (stream) stream.close(http2Constants.NGHTTP2_INTERNAL_ERROR);
      else res.destroy();
      return;
    }
    if (spec.hang) {
      hold(res);
      return;
    }
    if (spec.redirect !== undefined) {
      res.writeHead(spec.status ?? 301, { location: spec.redirect, 'content-length': '0', ...spec.headers });
      res.end();
      return;
    }
    let body: Uint8Array;
    if (spec.wire !== undefined) body = typeof spec.wire === 'function' ? spec.wire(query) : spec.wire;
    else body = typeof spec.body === 'string' ? Buffer.from(spec.body) : spec.body ?? new Uint8Array(0);
    const headers: Record<string, string> = { ...spec.headers };
    const contentType = spec.contentType === undefined ? DNS_MESSAGE : spec.contentType;
    if (contentType !== null) headers['content-type'] = contentType;
    const streaming = (spec.streamBytes ?? 0) > 0;
    const length = spec.contentLength === undefined ? (streaming ? null : body.length)
      : typeof spec.contentLength === 'function' ? spec.contentLength(body.length) : spec.contentLength;
    if (length !== null) headers['content-length'] = String(length);
    res.writeHead(spec.status ?? 200, headers);
    if (spec.stallAfterBytes !== undefined) {
      res.write(Buffer.from(body.subarray(0, spec.stallAfterBytes)));
      hold(res);
      return;
    }
    if (spec.trickleMs !== undefined) {
      let at = 0;
      const tick = (): void => {
        if (res.destroyed || res.writableEnded) return;
        if (at >= body.length) {
          res.end();
          return;
        }
        res.write(Buffer.from(body.subarray(at, at + 1)));
        at++;
        const timer = setTimeout(() => {
          timers.delete(timer);
          tick();
        }, spec.trickleMs);
        timers.add(timer);
      };
      hold(res);
      tick();
      return;
    }
    if (!streaming) {
      res.end(Buffer.from(body));
      return;
    }
    res.write(Buffer.from(body));
    hold(res);
    void streamFiller(res, spec.streamBytes ?? 0);
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
  // Classic DNS answers from the zone (hostile specs and fail modes are HTTP-level, not here).
  const classic = options.classic
    ? await startClassicDnsListener(host, (query, _raw, reply) => {
      const question = query.questions?.[0];
      if (!question) return;
      queries.push({ name: question.name.toLowerCase().replace(/\.$/, ''), type: String(question.type), at: Date.now() });
      const respond = (): void => {
        const answer = answerQuery(zone, query);
        if (answer !== 'hang') reply(answer.response);
      };
      if (delayMs <= 0) return respond();
      const timer = setTimeout(() => {
        timers.delete(timer);
        respond();
      }, delayMs);
      timers.add(timer);
    })
    : null;

  return {
    url: `${options.tls ? 'https' : 'http'}://${urlHost}:${port}/dns-query`,
    port,
    ...(classic ? { classicUrl: classic.url } : {}),
    queries,
    setDelay(ms: number) {
      delayMs = ms;
    },
    setZone(next: Zone) {
      checkZone(next);
      // The same object may come back changed in place (the benchmarks' worlds do that).
      zoneChanged(next);
      zone = next;
    },
    setFailMode(mode: FailMode) {
      failMode = mode;
    },
    setHostile(next: HostileDns | undefined) {
      hostile = next;
    },
    handle: listener,
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const res of held) res.destroy();
      held.clear();
      const closed = new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return Promise.all([closed, classic?.close()]).then(() => undefined);
    },
  };
}
