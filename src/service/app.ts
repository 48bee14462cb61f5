// The HTTP face of the lookup service (Hono; docs/lookup-service.md "API"). Routes are plain
// Request -> Response, so the unit tests call app.request() without a socket.
//
// Order of checks on every request, cheapest and most decisive first:
//   1. origin gate: a browser Origin that is not allowed gets 403 before anything else;
//   2. shutting down: 503 (health stays 200, ready says shutting-down);
//   3. CORS preflight (OPTIONS) for allowed origins;
//   4. token (assess, info) -> 401;
// and for POST /v1/assess: 415 unless JSON, 400 without X-InTransit-Client, 413 over 16 KB,
// 400 for a body that fails the schema, 429 over the client's rate, then the engine.
// Lookup failures are not errors: they are 200 with `unknown` assessments.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import {
  CLIENT_HEADER,
  LOOKUP_API,
  MAX_BODY_BYTES,
  MAX_CLIENT_LENGTH,
  PATHS,
  type Info,
  type ProblemCode,
  type Ready,
} from '../shared/lookup-api.ts';
import type { ServiceEngine } from './engine.ts';
import type { Logger } from './logger.ts';
import type { OriginGate } from './origin.ts';
import type { RateLimiter } from './ratelimit.ts';
import { parseAssessBody } from './request.ts';
import type { TokenCheck } from './tokens.ts';

export interface ServiceState {
  shuttingDown: boolean;
  inFlight: number;
}

export interface AppDeps {
  engine: ServiceEngine;
  /** null: no authentication (only allowed on loopback, config.ts). A function: SIGHUP reloads. */
  tokens: () => TokenCheck | null;
  origins: OriginGate;
  /** Domains per minute per client; null = unlimited. */
  limiter: RateLimiter | null;
  /** The rate-limit key of the caller (address or /64), from the peer and X-Forwarded-For. */
  clientKey: (peer: string | undefined, forwardedFor: string | undefined) => string;
  ready: () => Promise<'ok' | 'degraded'>;
  cache: 'memory' | 'redis';
  name: string | null;
  maxDomains: number;
  engineVersion: string;
  logger: Logger;
  logDomains: boolean;
  state: ServiceState;
}

type Env = {
  Bindings: { incoming?: { socket?: { remoteAddress?: string } } };
  Variables: { client: string; log: Record<string, unknown>; timing: string };
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** RFC 9457 problem details with the service's stable `code`. */
export function problem(status: number, code: ProblemCode, detail?: string, headers: Record<string, string> = {}): Response {
  const body: Record<string, unknown> = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, code };
  if (detail !== undefined) body.detail = detail;
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers } });
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

export function createApp(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  const { logger, state } = deps;

  // Common headers, the request log and in-flight counting (graceful shutdown waits for these).
  app.use('*', async (c, next) => {
    const started = performance.now();
    state.inFlight++;
    c.set('log', {});
    c.set('client', 'none');
    try {
      await next();
    } finally {
      state.inFlight--;
    }
    const ms = performance.now() - started;
    const res = c.res;
    res.headers.set('x-content-type-options', 'nosniff');
    if (!res.headers.has('cache-control')) res.headers.set('cache-control', 'no-store');
    res.headers.append('vary', 'Origin');
    const timing = c.get('timing');
    res.headers.set('server-timing', `${timing ? `${timing}, ` : ''}total;dur=${ms.toFixed(1)}`);
    logger.info('request', { method: c.req.method, path: routeOf(c.req.path), status: res.status, ms: Math.round(ms * 10) / 10, client: c.get('client'), ...c.get('log') });
  });

  // 1. Origin gate, before any work.
  app.use('*', async (c, next) => {
    const origin = c.req.header('origin');
    if (origin === undefined) return next();
    if (!deps.origins.allows(origin)) return problem(403, 'origin-not-allowed', 'This origin may not call the lookup service.');
    await next();
    c.res.headers.set('access-control-allow-origin', origin);
    c.res.headers.set('access-control-expose-headers', 'Retry-After, Server-Timing');
  });

  // 2. Shutting down: no new work; the load balancer sees /v1/ready fail and drains.
  app.use('*', async (c, next) => {
    if (!state.shuttingDown || c.req.path === PATHS.health) return next();
    if (c.req.path === PATHS.ready) return json({ status: 'shutting-down', cache: deps.cache } satisfies Ready, 503);
    return problem(503, 'shutting-down', 'The service is shutting down; try again.', { 'retry-after': '1' });
  });

  // 3. CORS preflight for allowed origins (the gate already refused the others).
  app.options('/v1/*', (c) => {
    const headers: Record<string, string> = { allow: 'GET, POST, OPTIONS' };
    if (c.req.header('origin') !== undefined && c.req.header('access-control-request-method') !== undefined) {
      headers['access-control-allow-methods'] = 'GET, POST';
      headers['access-control-allow-headers'] = `Authorization, Content-Type, ${CLIENT_HEADER}`;
      // Chrome caps this at 2 h (Firefox at 24 h).
      headers['access-control-max-age'] = '7200';
      // Chrome's Private/Local Network Access asks before a public context reaches a private
      // address: an allowed origin may (the gate has already refused every other one).
      if (c.req.header('access-control-request-private-network') === 'true') headers['access-control-allow-private-network'] = 'true';
    }
    return new Response(null, { status: 204, headers });
  });

  // 4. Token, for everything but health and readiness.
  const authenticate = async (c: Context<Env>, next: () => Promise<void>) => {
    const tokens = deps.tokens();
    if (tokens === null) {
      // Without tokens the service serves loopback clients only. A request relayed by a proxy
      // means it is reachable from elsewhere: refuse rather than serve the world unauthenticated.
      if (PROXY_HEADERS.some((h) => c.req.header(h) !== undefined)) {
        return problem(401, 'unauthorized', 'This request came through a proxy, but the service has no tokens: configure --tokens-file.', { 'www-authenticate': 'Bearer realm="intransit"' });
      }
      return next();
    }
    const verdict = tokens.verify(c.req.header('authorization'));
    if (!verdict.ok) return problem(401, 'unauthorized', 'A valid organisation token is required (Authorization: Bearer <token>).', { 'www-authenticate': 'Bearer realm="intransit"' });
    c.set('client', verdict.id);
    return next();
  };
  app.use(PATHS.assess, authenticate);
  app.use(PATHS.info, authenticate);

  const assessBodyLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => problem(413, 'body-too-large', `The body may be at most ${MAX_BODY_BYTES} bytes.`) });

  app.post(PATHS.assess, async (c, next) => {
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') return problem(415, 'json-required', 'Send the body as application/json.');
    const client = c.req.header(CLIENT_HEADER);
    if (client === undefined || client.trim() === '' || client.length > MAX_CLIENT_LENGTH) {
      return problem(400, 'client-header-required', `Send ${CLIENT_HEADER} (e.g. extension/0.3.0), at most ${MAX_CLIENT_LENGTH} characters.`);
    }
    return assessBodyLimit(c, next);
  }, async (c) => {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return problem(400, 'bad-request', 'The body is not valid JSON.');
    }
    const parsed = parseAssessBody(body, deps.maxDomains);
    if (!parsed.ok) return problem(400, parsed.code, parsed.detail);
    const { domains, sender, fresh } = parsed.body;
    const distinct = new Set(domains.map((d) => d.trim().toLowerCase())).size;

    if (deps.limiter) {
      const peer = c.env?.incoming?.socket?.remoteAddress;
      const key = `${c.get('client')}|${deps.clientKey(peer, c.req.header('x-forwarded-for'))}`;
      const verdict = await deps.limiter.consume(key, distinct);
      if (!verdict.allowed) {
        c.set('log', { domains: distinct });
        return problem(429, 'rate-limited', `More than ${deps.limiter.points} domains a minute; try again in ${verdict.retryAfterS} s.`, { 'retry-after': String(verdict.retryAfterS) });
      }
    }

    const outcome = await deps.engine.assess(domains, sender, { fresh });
    c.set('timing', `cache;desc="${outcome.hits} hit ${outcome.misses} miss"`);
    const log: Record<string, unknown> = { domains: outcome.results.length, hits: outcome.hits, misses: outcome.misses };
    if (outcome.refused > 0) log.refused = outcome.refused;
    if (fresh) log.fresh = true;
    if (deps.logDomains) log.names = outcome.results.map((r) => r.domain);
    c.set('log', log);
    return json({ api: LOOKUP_API, engine: deps.engineVersion, service: { name: deps.name }, results: outcome.results });
  });

  app.get(PATHS.info, () => {
    const info: Info = {
      api: LOOKUP_API,
      engine: deps.engineVersion,
      service: { name: deps.name },
      auth: deps.tokens() === null ? 'none' : 'token',
      cache: deps.cache,
      limits: { maxDomains: deps.maxDomains, maxBodyBytes: MAX_BODY_BYTES, domainsPerMinute: deps.limiter?.points ?? null },
      probe: 'off',
    };
    return json(info, 200, { 'cache-control': 'private, max-age=300' });
  });

  app.get(PATHS.health, () => json({ status: 'ok' }));

  app.get(PATHS.ready, async () => {
    // Still 200 when degraded: the instance answers every request, only without the shared cache.
    const status = await deps.ready();
    return json({ status, cache: deps.cache } satisfies Ready);
  });

  for (const [path, allow] of [[PATHS.assess, 'POST, OPTIONS'], [PATHS.info, 'GET, OPTIONS'], [PATHS.health, 'GET, OPTIONS'], [PATHS.ready, 'GET, OPTIONS']] as const) {
    app.all(path, () => problem(405, 'method-not-allowed', `Use ${allow.split(',')[0]}.`, { allow }));
  }
  app.notFound(() => problem(404, 'not-found', 'No such endpoint; see /v1/info.'));
  app.onError((error) => {
    logger.error('internal-error', { error: error instanceof Error ? error.name : 'unknown' });
    return problem(500, 'internal-error');
  });
  return app;
}

/** The path for the log: a known route, or 'other' (a probe for random paths is not logged verbatim). */
function routeOf(path: string): string {
  return (Object.values(PATHS) as string[]).includes(path) ? path : 'other';
}
