// A FetchLike over node:http2, for DNS over HTTPS: RFC 8484 s5.2 makes HTTP/2 "the minimum
// RECOMMENDED version of HTTP for use with DoH", and a browser keeps ONE HTTP/2 connection to its
// resolver and multiplexes every query over it. So does this fetch: one session per origin,
// opened on first use (or by preconnect()), reused by every later request, its streams concurrent.
// - TLS is checked against `ca` (default: Node's store plus NODE_EXTRA_CA_CERTS); the name
//   checked and sent as SNI is the URL's hostname, the address dialled can come from `lookup`.
// - A server that negotiates only HTTP/1.1 (ALPN, RFC 7301) is handed to `http1Fallback` when one
//   is given (remembered per origin), and fails like a network error otherwise.
// - Connecting (lookup, proxy tunnel, TCP, TLS) is bounded by `connectTimeoutMs`, and so is the
//   wait for the server's SETTINGS (RFC 9113 s3.4): a server that accepts TCP and then says
//   nothing fails the connection instead of holding it open. A request whose signal aborts stops
//   waiting for the shared connection at once; close() destroys connections still being made.
// - With `proxy`, each connection is an HTTP CONNECT tunnel through it (see proxy.ts).
// - Concurrency: the server's SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 s5.1.2) is followed by
//   nghttp2 itself, which queues streams beyond it on the same session. Until the server's
//   SETTINGS arrive it assumes 100, so a first burst may exceed a smaller limit: the server
//   refuses the excess unprocessed (REFUSED_STREAM) and they are sent again on the same session
//   (RFC 9113 s8.7), queued by then. No second connection is ever opened for more streams, and
//   the engine's in-flight limit need not know the server's (docs/decisions.md "Engine").
// - The body is a pull-based ReadableStream over the HTTP/2 stream (flow control does the
//   backpressure); cancel() resets that stream only, never the session.
// - Redirects are never followed: redirect 'manual' returns the 3xx, anything else rejects.
// - The session is unref'd while no request is active, so it never keeps a CLI process alive;
//   close() ends every session, and the fetch refuses requests after it.
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, IncomingHttpStatusHeader } from 'node:http2';
import { createRequire } from 'node:module';
import { connect as tcpConnect, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { readAtMost } from '../core/read-body.ts';
import type { FetchLike, FetchResponse } from '../core/types.ts';
import { abortReason, bodyStream, fetchFailed, NodeResponse, NULL_BODY_STATUSES, requestBody, requestHeaders, type BodyStream } from './fetch-parts.ts';
import { ipFamily } from './ip-literal.ts';
import { connectAuthority, openTunnel, proxyRouter, type HttpProxyOptions } from './proxy.ts';

/**
 * node:tls, loaded at the first connection (3-4 ms of start-up here): while the SYN is on the
 * wire, and never in a run whose resolver is classic DNS (the CLI builds this fetch at start).
 */
const requireBuiltin = createRequire(import.meta.url);
let tlsModule: typeof import('node:tls') | undefined;
const tls = (): typeof import('node:tls') => (tlsModule ??= requireBuiltin('node:tls') as typeof import('node:tls'));

export interface Http2FetchOptions {
  /** Trust anchors (PEM). Default: Node's CA store plus NODE_EXTRA_CA_CERTS. */
  ca?: string | string[];
  /** Resolves a hostname to the IP address to connect to. Default: the OS resolver. */
  lookup?: (hostname: string) => Promise<string>;
  /** Connect to this port instead of the URL's. */
  port?: number;
  /** Used for origins whose server does not offer h2 in ALPN. */
  http1Fallback?: FetchLike;
  /** Limit for lookup + proxy tunnel + TCP + TLS, and again for the server's SETTINGS. Default 10000 ms. */
  connectTimeoutMs?: number;
  /** Tunnel every connection (except NO_PROXY matches) through this HTTP proxy. */
  proxy?: HttpProxyOptions;
}

export type Http2Fetch = FetchLike & {
  /** Destroys every session and every connection being made; later requests reject. */
  close(): void;
  /**
   * Starts the connection to the origin of `url` now (TCP + TLS + SETTINGS), so the first request
   * does not pay the handshake after whatever the caller does meanwhile. Failures are not
   * reported here: the next request tries again and reports its own.
   */
  preconnect(url: string): void;
  /** Sessions opened so far (tests: proof of reuse). */
  readonly sessionsOpened: number;
  /**
   * A GET whose whole body is wanted as bytes (DoH: src/node/doh-exchange.ts), on the same
   * sessions as the fetch, without a WHATWG Response, Headers or ReadableStream per request.
   * Rejects like the fetch on network failures, with a BytesTimeoutError after `timeoutMs`.
   */
  getBytes(url: string, options: GetBytesOptions): Promise<BytesResponse>;
};

export interface GetBytesOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** The whole request, connecting included. */
  timeoutMs: number;
  /** A body longer than this is not read (`body: null`); the stream is reset. */
  maxBytes: number;
}

export interface BytesResponse {
  status: number;
  /** The Content-Type field, '' when absent. */
  contentType: string;
  /** null: the body was longer than maxBytes. */
  body: Uint8Array | null;
}

export class BytesTimeoutError extends Error {
  constructor(ms: number) {
    super(`no response within ${ms} ms`);
    this.name = 'BytesTimeoutError';
  }
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** RST_STREAM error code CANCEL (RFC 9113 s7). */
const NGHTTP2_CANCEL = 0x8;
/** RST_STREAM REFUSED_STREAM (RFC 9113 s7): the server did not process the request (s8.7). */
const NGHTTP2_REFUSED_STREAM = 0x7;
/** Times one request is sent again after REFUSED_STREAM. */
const MAX_REFUSED_RETRIES = 3;

/** The response's header fields from Node's HTTP/2 headers object, pseudo-headers left out. */
function* responseHeaderPairs(raw: IncomingHttpHeaders): Generator<[string, string]> {
  for (const [name, value] of Object.entries(raw)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) yield [name, one];
  }
}

type Connection = { kind: 'h2'; session: ClientHttp2Session } | { kind: 'http1' };

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error: unknown) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}

export function createHttp2Fetch(options: Http2FetchOptions = {}): Http2Fetch {
  const connections = new Map<string, Promise<Connection>>();
  /** Sessions that are up, by origin: getBytes uses them without waiting on `connections`. */
  const open = new Map<string, ClientHttp2Session>();
  const sessions = new Set<ClientHttp2Session>();
  const active = new Map<ClientHttp2Session, number>();
  /** One controller per connection being made: close() aborts them, which destroys their sockets. */
  const connecting = new Set<AbortController>();
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const route = options.proxy ? proxyRouter(options.proxy) : null;
  let sessionsOpened = 0;
  let closed = false;

  const track = (session: ClientHttp2Session, delta: number): void => {
    const before = active.get(session);
    const count = (before ?? 0) + delta;
    active.set(session, count);
    // Referenced only while a request needs it: an idle session never holds the process open.
    // (Only on the changes between idle and busy: each call reaches the socket's handle.)
    if (count > 0 && (before === undefined || before <= 0)) session.ref();
    else if (count <= 0 && (before === undefined || before > 0)) session.unref();
  };

  /** Lookup, proxy tunnel, TCP and TLS, all ended by `signal` (the connect timeout or close()). */
  async function connectTls(url: URL, signal: AbortSignal): Promise<TLSSocket> {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const literal = ipFamily(hostname) !== 0;
    const address = !literal && options.lookup ? await untilAborted(options.lookup(hostname), signal) : hostname;
    const port = options.port ?? (url.port === '' ? 443 : Number(url.port));
    const proxy = route?.({ hostname, port, address }) ?? null;
    const tunnel: Socket | undefined = proxy ? await openTunnel(proxy, connectAuthority(address, port), { signal }) : undefined;
    return new Promise<TLSSocket>((resolve, reject) => {
      if (signal.aborted) {
        tunnel?.destroy();
        reject(abortReason(signal));
        return;
      }
      // TCP first, TLS once it is connected: setting up TLS (the CA store, Node's own checks of
      // the server name: several ms of CPU on a cold process) then runs while the SYN is on the
      // wire instead of before it (docs/decisions.md "Command line": open the DoH connection).
      const tcp: Socket = tunnel ?? tcpConnect({ host: address, port });
      let socket: TLSSocket | undefined;
      const startTls = (): void => {
        socket = tls().connect({
          socket: tcp,
          // The name checked against the certificate: the URL's (an IP literal is checked as an IP).
          host: hostname,
          // SNI uses the URL's name; SNI is never an IP literal (RFC 6066 s3).
          ...(literal ? {} : { servername: hostname }),
          ...(options.ca !== undefined ? { ca: options.ca } : {}),
          ALPNProtocols: options.http1Fallback ? ['h2', 'http/1.1'] : ['h2'],
        });
        socket.once('secureConnect', () => {
          signal.removeEventListener('abort', onAbort);
          resolve(socket as TLSSocket);
        });
        socket.once('error', fail);
      };
      const fail = (error: Error): void => {
        signal.removeEventListener('abort', onAbort);
        socket?.destroy();
        tcp.destroy();
        reject(error);
      };
      const onAbort = (): void => {
        socket?.destroy();
        tcp.destroy();
        reject(abortReason(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (tunnel) {
        startTls();
      } else {
        tcp.once('error', fail);
        tcp.once('connect', () => {
          tcp.removeListener('error', fail);
          startTls();
        });
      }
    });
  }

  async function openConnection(url: URL): Promise<Connection> {
    const attempt = new AbortController();
    connecting.add(attempt);
    const timer = setTimeout(() => attempt.abort(new Error(`no connection to ${url.host} within ${connectTimeoutMs} ms`)), connectTimeoutMs);
    // node:http2 takes 15-30 ms to load, so it loads while the handshake is on the wire instead
    // of before it (docs/decisions.md "Command line": open the DoH connection at start).
    const socketReady = connectTls(url, attempt.signal);
    const http2 = import('node:http2');
    let socket: TLSSocket;
    try {
      socket = await socketReady;
    } catch (error) {
      clearTimeout(timer);
      connecting.delete(attempt);
      throw error;
    }
    if (attempt.signal.aborted) {
      // close() or the timeout came between the handshake and this continuation.
      clearTimeout(timer);
      connecting.delete(attempt);
      socket.destroy();
      throw attempt.signal.reason;
    }
    if (socket.alpnProtocol !== 'h2') {
      clearTimeout(timer);
      connecting.delete(attempt);
      socket.destroy();
      if (options.http1Fallback) return { kind: 'http1' };
      throw new Error(`${url.host} does not speak HTTP/2 (ALPN: ${String(socket.alpnProtocol)})`);
    }
    const { connect } = await http2;
    if (attempt.signal.aborted) {
      clearTimeout(timer);
      connecting.delete(attempt);
      socket.destroy();
      throw attempt.signal.reason;
    }
    const session = connect(url.origin, { createConnection: () => socket });
    const current = connections.get(url.origin);
    sessionsOpened++;
    sessions.add(session);
    // Requests may go out before the server's SETTINGS (RFC 9113 s3.4), but a server that never
    // sends them is not speaking HTTP/2: the session fails, and with it every stream on it.
    const settingsWait = (): void => {
      attempt.signal.removeEventListener('abort', settingsWait);
      if (!session.destroyed) session.destroy(new Error(`${url.host} sent no HTTP/2 SETTINGS within ${connectTimeoutMs} ms`));
    };
    attempt.signal.addEventListener('abort', settingsWait, { once: true });
    const settled = (): void => {
      clearTimeout(timer);
      connecting.delete(attempt);
      attempt.signal.removeEventListener('abort', settingsWait);
    };
    session.once('remoteSettings', settled);
    const forget = (): void => {
      settled();
      sessions.delete(session);
      active.delete(session);
      if (connections.get(url.origin) === current) connections.delete(url.origin);
      if (open.get(url.origin) === session) open.delete(url.origin);
    };
    // A session that ends (GOAWAY, error, idle close by the server) is replaced on next use.
    session.on('error', forget);
    session.once('close', forget);
    session.once('goaway', forget);
    track(session, 0);
    open.set(url.origin, session);
    return { kind: 'h2', session };
  }

  function connection(url: URL): Promise<Connection> {
    let pending = connections.get(url.origin);
    if (!pending) {
      pending = openConnection(url);
      connections.set(url.origin, pending);
      // A failed connect is not cached: the next request tries again.
      pending.catch(() => { if (connections.get(url.origin) === pending) connections.delete(url.origin); });
    }
    return pending;
  }

  const fetchImpl: FetchLike = (input, init = {}) => send(input, init, 0);

  async function send(input: string, init: RequestInit, refused: number): Promise<FetchResponse> {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw abortReason(signal);
    if (closed) throw fetchFailed('this fetch was closed');
    let url: URL;
    try {
      url = new URL(input);
    } catch (error) {
      throw fetchFailed(`invalid URL: ${input}`, error);
    }
    if (url.protocol !== 'https:') throw fetchFailed(`only https: URLs are supported: ${url.protocol}`);
    const method = (init.method ?? 'GET').toUpperCase();
    const payload = requestBody(init.body, 'http2-fetch');
    const redirectMode = init.redirect ?? 'follow';

    let conn: Connection;
    try {
      // The connection is shared: an abort ends this request's wait, not the connect itself.
      conn = await untilAborted(connection(url), signal);
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      throw fetchFailed(`fetch ${url.origin} failed: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    if (signal?.aborted) throw abortReason(signal);
    if (conn.kind === 'http1') return (options.http1Fallback as FetchLike)(input, init);
    const session = conn.session;
    if (session.closed || session.destroyed) {
      connections.delete(url.origin);
      return send(input, init, refused);
    }

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(requestHeaders(init.headers))) {
      // Connection-specific fields are not allowed in HTTP/2 (RFC 9113 s8.2.2).
      if (!['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host'].includes(name)) headers[name] = value;
    }
    headers[':method'] = method;
    headers[':path'] = url.pathname + url.search;
    headers[':authority'] = url.host;
    headers[':scheme'] = 'https';
    if (payload !== undefined) headers['content-length'] = String(typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength);

    return new Promise<FetchResponse>((resolvePromise, rejectPromise) => {
      let done = false;
      let responseBody: BodyStream | null = null;
      let h2: ClientHttp2Stream;
      try {
        h2 = session.request(headers, { endStream: payload === undefined });
      } catch (error) {
        rejectPromise(fetchFailed(`fetch ${url.origin} failed: ${error instanceof Error ? error.message : String(error)}`, error));
        return;
      }
      track(session, +1);
      const onAbort = (): void => {
        const reason = abortReason(signal as AbortSignal);
        responseBody?.fail(reason);
        // Resets this stream only (RST_STREAM CANCEL); the session and its other streams go on.
        h2.close(NGHTTP2_CANCEL);
        if (!done) {
          done = true;
          rejectPromise(reason);
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      h2.once('close', () => {
        signal?.removeEventListener('abort', onAbort);
        track(session, -1);
        if (!done) {
          done = true;
          rejectPromise(fetchFailed(`fetch ${url.origin} failed: stream closed (code ${h2.rstCode ?? 'none'})`));
        }
      });
      h2.on('error', (error) => {
        if (done) return;
        done = true;
        if (h2.rstCode === NGHTTP2_REFUSED_STREAM && refused < MAX_REFUSED_RETRIES && !signal?.aborted) {
          // Streams sent before the server's SETTINGS arrived count against Node's assumed limit
          // (100), not the server's: one above its SETTINGS_MAX_CONCURRENT_STREAMS is refused
          // unprocessed, so it is safe to send again (RFC 9113 s8.7); nghttp2 now knows the
          // limit and queues it on this session.
          resolvePromise(send(input, init, refused + 1));
          return;
        }
        rejectPromise(fetchFailed(`fetch ${url.origin} failed: ${error.message}`, error));
      });
      h2.once('response', (raw: IncomingHttpHeaders & IncomingHttpStatusHeader) => {
        if (done) {
          h2.close(NGHTTP2_CANCEL);
          return;
        }
        const status = Number(raw[':status'] ?? 0);
        const isRedirect = status >= 300 && status < 400 && raw.location !== undefined;
        if (isRedirect && redirectMode !== 'manual') {
          done = true;
          h2.close(NGHTTP2_CANCEL);
          rejectPromise(fetchFailed(`redirect to ${String(raw.location)} not followed (redirect: ${redirectMode})`));
          return;
        }
        if (status < 200 || status > 599) {
          done = true;
          h2.close(NGHTTP2_CANCEL);
          rejectPromise(fetchFailed(`unsupported HTTP status ${status}`));
          return;
        }
        const nullBody = method === 'HEAD' || NULL_BODY_STATUSES.has(status);
        responseBody = nullBody ? null : bodyStream({ readable: h2, complete: () => false, cutMessage: 'stream closed before the body was complete', release: () => h2.close(NGHTTP2_CANCEL) });
        if (nullBody) h2.resume();
        done = true;
        resolvePromise(new NodeResponse(status, url.href, responseHeaderPairs(raw), responseBody?.stream ?? null));
      });
      if (payload !== undefined) h2.end(payload);
    });
  }

  function getBytes(input: string, request: GetBytesOptions): Promise<BytesResponse> {
    const { signal, timeoutMs } = request;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (closed) return Promise.reject(fetchFailed('this fetch was closed'));
    let url: URL;
    try {
      url = new URL(input);
    } catch (error) {
      return Promise.reject(error);
    }
    if (url.protocol !== 'https:') return Promise.reject(fetchFailed(`only https: URLs are supported: ${url.protocol}`));
    // The common case, every query after the first: the session is up. One stream, whose own
    // timer is the time limit (streamBytes), without the connection wait below (a DoH query costs
    // ~40% less client CPU so, npm run bench -- service).
    const session = open.get(url.origin);
    if (session !== undefined && !session.closed && !session.destroyed) {
      const started = Date.now();
      return streamBytes(session, url, request, timeoutMs).then((outcome) => outcome === 'refused'
        ? getBytesSlowly(url, { ...request, timeoutMs: Math.max(1, timeoutMs - (Date.now() - started)) }, 1)
        : outcome);
    }
    return getBytesSlowly(url, request, 0);
  }

  /** getBytes through the connection: opened, or waited for, within the time limit. */
  async function getBytesSlowly(url: URL, request: GetBytesOptions, refused: number): Promise<BytesResponse> {
    const { signal, timeoutMs } = request;
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BytesTimeoutError(timeoutMs)), timeoutMs);
    });
    timedOut.catch(() => undefined);
    try {
      let conn: Connection;
      try {
        conn = await Promise.race([untilAborted(connection(url), signal), timedOut]);
      } catch (error) {
        if (signal?.aborted) throw abortReason(signal);
        if (error instanceof BytesTimeoutError) throw error;
        throw fetchFailed(`fetch ${url.origin} failed: ${error instanceof Error ? error.message : String(error)}`, error);
      }
      if (conn.kind === 'http1') return await Promise.race([viaFallback(url.href, request), timedOut]);
      const session = conn.session;
      if (session.closed || session.destroyed) {
        connections.delete(url.origin);
        return await getBytesSlowly(url, { ...request, timeoutMs: Math.max(1, timeoutMs - (Date.now() - started)) }, refused);
      }
      const outcome = await Promise.race([streamBytes(session, url, request, timeoutMs + 50), timedOut]);
      if (outcome === 'refused') {
        if (refused >= MAX_REFUSED_RETRIES) throw fetchFailed(`fetch ${url.origin} failed: the server refused the stream`);
        return await getBytesSlowly(url, { ...request, timeoutMs: Math.max(1, timeoutMs - (Date.now() - started)) }, refused + 1);
      }
      return outcome;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One stream: status, content type and the body up to maxBytes; 'refused' for REFUSED_STREAM. */
  function streamBytes(session: ClientHttp2Session, url: URL, request: GetBytesOptions, limitMs: number): Promise<BytesResponse | 'refused'> {
    const { signal, maxBytes, timeoutMs } = request;
    return new Promise((resolvePromise, rejectPromise) => {
      const headers: Record<string, string> = { ...request.headers, ':method': 'GET', ':path': url.pathname + url.search, ':authority': url.host, ':scheme': 'https' };
      let h2: ClientHttp2Stream;
      try {
        h2 = session.request(headers, { endStream: true });
      } catch (error) {
        rejectPromise(fetchFailed(`fetch ${url.origin} failed: ${error instanceof Error ? error.message : String(error)}`, error));
        return;
      }
      track(session, +1);
      let settled = false;
      let status = 0;
      let contentType = '';
      const chunks: Buffer[] = [];
      let length = 0;
      const settle = (action: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        clearTimeout(guard);
        action();
      };
      const onAbort = (): void => settle(() => {
        h2.close(NGHTTP2_CANCEL);
        rejectPromise(abortReason(signal as AbortSignal));
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      // The time limit of the fast path; behind getBytesSlowly's own limit, a little later, it
      // only resets the stream.
      const guard = setTimeout(() => settle(() => {
        h2.close(NGHTTP2_CANCEL);
        rejectPromise(new BytesTimeoutError(timeoutMs));
      }), limitMs);
      h2.once('response', (raw: IncomingHttpHeaders & IncomingHttpStatusHeader) => {
        status = Number(raw[':status'] ?? 0);
        const type = raw['content-type'];
        contentType = typeof type === 'string' ? type : '';
      });
      h2.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > maxBytes) {
          settle(() => {
            h2.close(NGHTTP2_CANCEL);
            resolvePromise({ status, contentType, body: null });
          });
          return;
        }
        chunks.push(chunk);
      });
      h2.once('end', () => settle(() => {
        const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
        resolvePromise({ status, contentType, body: new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength) });
      }));
      h2.on('error', (error) => settle(() => {
        if (h2.rstCode === NGHTTP2_REFUSED_STREAM && status === 0) resolvePromise('refused');
        else rejectPromise(fetchFailed(`fetch ${url.origin} failed: ${error.message}`, error));
      }));
      h2.once('close', () => {
        track(session, -1);
        settle(() => {
          if (h2.rstCode === NGHTTP2_REFUSED_STREAM && status === 0) resolvePromise('refused');
          else rejectPromise(fetchFailed(`fetch ${url.origin} failed: stream closed (code ${h2.rstCode ?? 'none'})`));
        });
      });
    });
  }

  /** getBytes over the HTTP/1.1 fallback (a resolver that offers nothing else). */
  async function viaFallback(input: string, request: GetBytesOptions): Promise<BytesResponse> {
    const response = await (options.http1Fallback as FetchLike)(input, { headers: request.headers ?? {}, ...(request.signal ? { signal: request.signal } : {}), redirect: 'manual' });
    const contentType = response.headers.get('content-type') ?? '';
    const read = response.body ? await readAtMost(response.body, request.maxBytes) : new Uint8Array(0);
    return { status: response.status, contentType, body: read === 'too-large' ? null : read };
  }

  const close = (): void => {
    closed = true;
    for (const attempt of connecting) attempt.abort(new Error('the fetch was closed'));
    connecting.clear();
    for (const session of sessions) session.destroy();
    sessions.clear();
    connections.clear();
  };
  const preconnect = (input: string): void => {
    if (closed) return;
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      return;
    }
    if (url.protocol === 'https:') connection(url).catch(() => undefined);
  };
  return Object.defineProperties(fetchImpl, {
    close: { value: close },
    preconnect: { value: preconnect },
    getBytes: { value: (input: string, request: GetBytesOptions) => getBytes(input, request) },
    sessionsOpened: { get: () => sessionsOpened },
  }) as Http2Fetch;
}
