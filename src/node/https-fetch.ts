// A real fetch for Node over node:https, for code that takes an injected FetchLike (the engine's
// MTA-STS policy fetch). It answers with a NodeResponse (fetch-parts.ts), not a WHATWG Response.
// Differences from Node's global fetch that matter here:
// - the connection address can come from our own resolver (`lookup`, e.g. DoH), while SNI, the
//   Host header and certificate name checks keep using the URL's hostname;
// - the trust anchors can be given per instance (`ca`);
// - the body is a pull-based ReadableStream over the socket: a consumer that stops reading stops
//   the download (TCP backpressure) and cancel() closes the connection.
// - connecting (proxy tunnel, TCP, TLS) is bounded by `connectTimeoutMs`; the request's signal
//   ends it at any point, and close() destroys every request and connection still open;
// - with `proxy`, each request gets its own HTTP CONNECT tunnel to the address it would dial
//   (the one from `lookup` when given), with TLS, SNI and Host for the URL's name (see proxy.ts).
// Redirects are never followed (RFC 8461 §3.3: "HTTP 3xx redirects MUST NOT be followed"):
// redirect 'manual' returns the 3xx response, anything else rejects.
import { Agent, request, type RequestOptions } from 'node:https';
import type { ClientRequest } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import type { FetchLike } from '../core/types.ts';
import { abortReason, bodyStream, fetchFailed, NodeResponse, NULL_BODY_STATUSES, rawHeaderPairs, requestBody, requestHeaders, type BodyStream } from './fetch-parts.ts';
import { leafOnlyDuringHandshake } from './leaf-identity.ts';
import { connectAuthority, openTunnel, proxyRouter, type HttpProxyOptions } from './proxy.ts';

export interface NodeHttpsFetchOptions {
  /** Trust anchors (PEM). Default: Node's CA store plus NODE_EXTRA_CA_CERTS. */
  ca?: string | string[];
  /** Resolves a hostname to the IP address to connect to. Default: the OS resolver. */
  lookup?: (hostname: string) => Promise<string>;
  /** Connect to this port instead of the URL's (e.g. a test server on a random port). */
  port?: number;
  /**
   * Reuse connections (as a browser keeps its HTTP/2 connection to a DoH resolver). Off by
   * default: one connection per request, nothing pooled across tests or aborts.
   */
  keepAlive?: boolean;
  /** Limit for proxy tunnel + TCP + TLS of a new connection. Default 10000 ms. */
  connectTimeoutMs?: number;
  /** Tunnel every request (except NO_PROXY matches) through this HTTP proxy; never pooled. */
  proxy?: HttpProxyOptions;
}

export type NodeHttpsFetch = FetchLike & {
  /** Destroys every request in flight and every pooled connection; later requests reject. */
  close(): void;
};

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;


/** Creates a FetchLike that speaks HTTPS through node:https. */
export function createNodeHttpsFetch(options: NodeHttpsFetchOptions = {}): NodeHttpsFetch {
  // Without keepAlive, one Agent that pools nothing (no kept sockets, no TLS sessions): what
  // `agent: false` does, without building a new Agent for every request.
  const agent = new Agent(options.keepAlive ? { keepAlive: true, maxSockets: 64 } : { keepAlive: false, maxCachedSessions: 0 });
  // One TLS context for every request: building it from `ca` per request costs milliseconds of
  // CPU each time (the bench saw ~2.5 ms per policy fetch).
  // Without `ca`, the default store (Node's roots plus NODE_EXTRA_CA_CERTS) — still built once:
  // tls.connect would otherwise build a context for every connection (~0.25 ms of CPU each).
  const secureContext: SecureContext = createSecureContext(options.ca !== undefined ? { ca: options.ca } : {});
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const route = options.proxy ? proxyRouter(options.proxy) : null;
  /** Every request not yet finished, with the controller of its connect phase: close() ends them. */
  const live = new Map<AbortController, { req?: ClientRequest }>();
  let closed = false;

  const fetchImpl: FetchLike = async (input, init = {}) => {
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
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const method = (init.method ?? 'GET').toUpperCase();
    const payload = requestBody(init.body, 'node-https-fetch');
    const redirectMode = init.redirect ?? 'follow';

    let address = hostname;
    if (!isIP(hostname) && options.lookup) {
      try {
        address = await options.lookup(hostname);
      } catch (error) {
        throw fetchFailed(`could not resolve ${hostname}`, error);
      }
      if (signal?.aborted) throw abortReason(signal);
      if (closed) throw fetchFailed('this fetch was closed');
    }
    const port = options.port ?? (url.port === '' ? 443 : Number(url.port));

    const headers = requestHeaders(init.headers);
    headers.host = url.host; // the URL's name (and port if it has one), never the IP we dial
    if (payload !== undefined) headers['content-length'] = String(typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength);

    const requestOptions: RequestOptions = {
      method,
      host: address,
      port,
      path: url.pathname + url.search,
      headers,
      agent,
    };
    // SNI and the certificate name check use the URL's hostname (SNI must not be an IP literal).
    if (!isIP(hostname)) requestOptions.servername = hostname;
    // tls.connect takes `secureContext`; @types/node's https.RequestOptions does not list it.
    (requestOptions as RequestOptions & { secureContext?: SecureContext }).secureContext = secureContext;

    // The connect phase: aborted by the connect timeout, the caller's signal or close().
    const connectPhase = new AbortController();
    const entry: { req?: ClientRequest } = {};
    live.set(connectPhase, entry);
    const timer = setTimeout(() => connectPhase.abort(fetchFailed(`fetch ${url.origin} failed: no connection within ${connectTimeoutMs} ms`)), connectTimeoutMs);
    const forwardAbort = (): void => connectPhase.abort(abortReason(signal as AbortSignal));
    signal?.addEventListener('abort', forwardAbort, { once: true });
    const connected = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forwardAbort);
    };
    const finished = (): void => {
      connected();
      live.delete(connectPhase);
    };

    const proxy = route?.({ hostname, port, address }) ?? null;
    if (proxy) {
      let tunnel: Socket;
      try {
        tunnel = await openTunnel(proxy, connectAuthority(address, port), { signal: connectPhase.signal });
      } catch (error) {
        finished();
        if (signal?.aborted) throw abortReason(signal);
        if (connectPhase.signal.aborted) throw connectPhase.signal.reason;
        throw fetchFailed(`fetch ${url.origin} failed: ${error instanceof Error ? error.message : String(error)}`, error);
      }
      // One tunnel per request, never pooled: the agent would not know it is a tunnel.
      requestOptions.agent = undefined;
      (requestOptions as RequestOptions & { createConnection?: () => Socket }).createConnection = () => tlsConnect({
        socket: tunnel,
        ...(requestOptions.servername ? { servername: requestOptions.servername } : {}),
        secureContext,
      });
    }

    return new Promise<NodeResponse>((resolvePromise, rejectPromise) => {
      let done = false;
      let responseBody: BodyStream | null = null;
      const req = request(requestOptions);
      entry.req = req;
      // Before the response: reject the promise; while the body streams: error the stream.
      const onAbort = (): void => {
        const reason = abortReason(signal as AbortSignal);
        responseBody?.fail(reason);
        req.destroy();
        if (!done) {
          done = true;
          rejectPromise(reason);
        }
      };
      const cleanup = (): void => {
        signal?.removeEventListener('abort', onAbort);
        finished();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // The connect timeout and close(): the request fails like any other network failure.
      const onConnectAbort = (): void => {
        const reason = connectPhase.signal.reason as unknown;
        responseBody?.fail(reason);
        req.destroy();
        if (!done) {
          done = true;
          rejectPromise(signal?.aborted ? abortReason(signal) : reason);
        }
      };
      if (connectPhase.signal.aborted) onConnectAbort();
      else connectPhase.signal.addEventListener('abort', onConnectAbort, { once: true });
      req.once('socket', (socket) => {
        // A pooled socket is connected already; a new one is once its TLS handshake is done.
        if (req.reusedSocket) {
          connected();
        } else {
          leafOnlyDuringHandshake(socket as TLSSocket);
          socket.once('secureConnect', connected);
        }
      });
      // Certificate errors, resets, refused connections: TypeError with the Node error as cause.
      req.on('error', (error) => {
        cleanup();
        if (done) return;
        done = true;
        rejectPromise(fetchFailed(`fetch ${url.origin} failed: ${error.message}`, error));
      });
      req.once('close', () => { if (responseBody === null) cleanup(); });
      req.once('response', (res) => {
        connected();
        if (done) {
          res.destroy();
          return;
        }
        const status = res.statusCode ?? 0;
        const isRedirect = status >= 300 && status < 400 && res.headers.location !== undefined;
        if (isRedirect && redirectMode !== 'manual') {
          done = true;
          cleanup();
          req.destroy();
          rejectPromise(fetchFailed(`redirect to ${res.headers.location} not followed (redirect: ${redirectMode})`));
          return;
        }
        if (status < 200 || status > 599) {
          done = true;
          cleanup();
          req.destroy();
          rejectPromise(fetchFailed(`unsupported HTTP status ${status}`));
          return;
        }
        const nullBody = method === 'HEAD' || NULL_BODY_STATUSES.has(status);
        responseBody = nullBody ? null : bodyStream({ readable: res, complete: () => res.complete, cutMessage: 'connection closed before the body was complete', release: () => req.destroy() });
        if (nullBody) res.resume();
        // The abort listener stays until the body is finished, so abort also stops a download.
        res.once('close', cleanup);
        done = true;
        resolvePromise(new NodeResponse(status, url.href, rawHeaderPairs(res.rawHeaders), responseBody?.stream ?? null));
      });
      req.end(payload);
    });
  };

  const close = (): void => {
    closed = true;
    for (const [connectPhase, entry] of live) {
      connectPhase.abort(fetchFailed('this fetch was closed'));
      entry.req?.destroy();
    }
    live.clear();
    agent.destroy();
  };
  return Object.defineProperty(fetchImpl, 'close', { value: close }) as NodeHttpsFetch;
}
