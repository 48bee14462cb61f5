// The routes of the lookup service through Hono's app.request(): no socket, a fake engine that
// records what reached it. Origin gate, token, CORS, problem codes, headers, the request log.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../../src/service/app.ts';
import { refusedAssessment, type ServiceEngine } from '../../../src/service/engine.ts';
import { createLogger } from '../../../src/service/logger.ts';
import { createOriginGate } from '../../../src/service/origin.ts';
import { createRateLimiter } from '../../../src/service/ratelimit.ts';
import { createTokenCheck } from '../../../src/service/tokens.ts';
import { createClientAddressResolver } from '../../../src/service/client-address.ts';
import { assessResponseSchema, infoSchema, problemSchema, readySchema } from '../../../src/shared/lookup-api.ts';

const TOKEN = 'org-token-0123456789abcdef';
const CHROME = 'chrome-extension://kojkdehamgggcacghdimajanhpnlpfpe';
const FIREFOX = 'moz-extension://4b3f1d2a-9c8e-4f7a-b6d5-0e1f2a3b4c5d';

function setup(overrides: Partial<AppDeps> = {}) {
  const calls: { domains: readonly string[]; sender: unknown; fresh: boolean }[] = [];
  const lines: Record<string, unknown>[] = [];
  const engine: ServiceEngine = {
    async assess(domains, sender, options) {
      calls.push({ domains, sender, fresh: options?.fresh ?? false });
      const results = [...new Set(domains.map((d) => d.trim().toLowerCase()))].map((d) => ({ ...refusedAssessment(d, 'special-use', 1_000), expiresIn: 3600, cache: 'miss' as const }));
      return { results, hits: 0, misses: results.length, refused: 0 };
    },
  };
  const deps: AppDeps = {
    engine,
    tokens: () => null,
    origins: createOriginGate(['https://admin.example.org']),
    limiter: null,
    clientKey: createClientAddressResolver([]),
    ready: async () => 'ok',
    cache: 'memory',
    name: 'Example Org',
    maxDomains: 100,
    engineVersion: '0.1.0',
    logger: createLogger((line) => lines.push(JSON.parse(line))),
    logDomains: false,
    state: { shuttingDown: false, inFlight: 0 },
    ...overrides,
  };
  const app = createApp(deps);
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app.request('/v1/assess', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-intransit-client': 'test/1', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { app, deps, calls, lines, post };
}

async function problemOf(res: Response): Promise<{ code: string; status: number }> {
  expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  const body = await res.json();
  expect(v.is(problemSchema, body)).toBe(true);
  expect(body.status).toBe(res.status);
  expect(body.type).toBe('about:blank');
  return body;
}

describe('POST /v1/assess', () => {
  it('answers {api, engine, service, results} with one result per distinct domain', async () => {
    const { post, calls } = setup();
    const res = await post({ domains: ['a.example', 'A.example', 'b.example'], sender: { mtaSts: true, dane: false } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = await res.json();
    expect(v.is(assessResponseSchema, body)).toBe(true);
    expect(body).toMatchObject({ api: 'intransit-lookup/1', engine: '0.1.0', service: { name: 'Example Org' } });
    expect(body.results.map((r: { domain: string }) => r.domain)).toEqual(['a.example', 'b.example']);
    expect(calls).toEqual([{ domains: ['a.example', 'A.example', 'b.example'], sender: { mtaSts: true, dane: false }, fresh: false }]);
  });

  it('sets the security and cache headers, and Server-Timing with hits and misses', async () => {
    const res = await setup().post({ domains: ['a.example'] });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('server-timing')).toMatch(/^cache;desc="0 hit 1 miss", total;dur=\d+(\.\d)?$/);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([
    [{ domains: ['alice@example.com'] }, 400, 'address-not-accepted'],
    [{ domains: Array.from({ length: 101 }, (_, i) => `d${i}.example`) }, 400, 'too-many-domains'],
    [{ domains: ['a.example'], sender: 'gmail' }, 400, 'bad-sender'],
    [{ domains: [] }, 400, 'bad-request'],
    ['{"domains": [', 400, 'bad-request'],
    ['', 400, 'bad-request'],
  ])('%j -> %i %s, and the engine is not called', async (body, status, code) => {
    const { post, calls } = setup();
    const res = await post(body);
    expect(res.status).toBe(status);
    expect((await problemOf(res)).code).toBe(code);
    expect(calls).toHaveLength(0);
  });

  it('honours a lower --max-domains', async () => {
    const res = await setup({ maxDomains: 2 }).post({ domains: ['a.example', 'b.example', 'c.example'] });
    expect((await problemOf(res)).code).toBe('too-many-domains');
  });

  it('refuses anything but application/json with 415 (form posts included)', async () => {
    const { app, calls } = setup();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
      const res = await app.request('/v1/assess', { method: 'POST', headers: { 'content-type': type, 'x-intransit-client': 't' }, body: '{"domains":["a.example"]}' });
      expect(res.status, type).toBe(415);
      expect((await problemOf(res)).code).toBe('json-required');
    }
    const charset = await app.request('/v1/assess', { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'x-intransit-client': 't' }, body: '{"domains":["a.example"]}' });
    expect(charset.status).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it('needs X-InTransit-Client (with JSON, it makes every cross-origin call preflighted)', async () => {
    const { app } = setup();
    const res = await app.request('/v1/assess', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"domains":["a.example"]}' });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).code).toBe('client-header-required');
  });

  it('caps the body at 16 KB with 413', async () => {
    const { post, calls } = setup();
    const res = await post(JSON.stringify({ domains: ['a.example'], pad: 'x'.repeat(17_000) }));
    expect(res.status).toBe(413);
    expect((await problemOf(res)).code).toBe('body-too-large');
    expect(calls).toHaveLength(0);
  });

  it('GET on /v1/assess is 405 with Allow; an unknown path is 404', async () => {
    const { app } = setup();
    const get = await app.request('/v1/assess');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await problemOf(get)).code).toBe('method-not-allowed');
    const other = await app.request('/v1/assess/example.com');
    expect(other.status).toBe(404);
    expect((await problemOf(other)).code).toBe('not-found');
  });
});

describe('origin gate', () => {
  it.each(['https://evil.example', 'null', 'http://localhost:8080', 'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'moz-extension://4B3F1D2A-9C8E-4F7A-B6D5-0E1F2A3B4C5D', 'moz-extension://not-a-uuid', `${FIREFOX}/`, `${CHROME}.evil.example`])(
    'refuses Origin %s with 403 before any work', async (origin) => {
      const { post, calls, app } = setup({ tokens: () => createTokenCheck([TOKEN]) });
      const res = await post({ domains: ['a.example'] }, { origin, authorization: `Bearer ${TOKEN}` });
      expect(res.status).toBe(403);
      expect((await problemOf(res)).code).toBe('origin-not-allowed');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(calls).toHaveLength(0);
      // The preflight and the other routes are refused the same way.
      const preflight = await app.request('/v1/assess', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      expect(preflight.status).toBe(403);
      expect((await app.request('/v1/info', { headers: { origin } })).status).toBe(403);
    });

  it.each([CHROME, FIREFOX, 'https://admin.example.org'])('allows %s and echoes it (never with credentials)', async (origin) => {
    const { post, app } = setup();
    const res = await post({ domains: ['a.example'] }, { origin });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('access-control-expose-headers')).toBe('Retry-After, Server-Timing');
    const preflight = await app.request('/v1/assess', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-intransit-client, authorization' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type, X-InTransit-Client');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(preflight.headers.get('access-control-max-age')).toBe('7200');
  });

  it('answers Chrome\'s Private Network Access preflight for allowed origins only', async () => {
    const { app } = setup();
    const ask = (origin: string) => app.request('/v1/assess', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-private-network': 'true' } });
    const allowed = await ask(CHROME);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-private-network')).toBe('true');
    const refused = await ask('https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-private-network')).toBeNull();
  });

  it('a request without Origin (CLI, curl) passes the gate and still needs the token', async () => {
    const { post } = setup({ tokens: () => createTokenCheck([TOKEN]) });
    expect((await post({ domains: ['a.example'] })).status).toBe(401);
    expect((await post({ domains: ['a.example'] }, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });
});

describe('token', () => {
  const TOKEN2 = 'rotated-token-fedcba9876543210';

  it('401 with WWW-Authenticate when missing or wrong; either of two tokens passes', async () => {
    const { post, calls, app } = setup({ tokens: () => createTokenCheck([TOKEN, TOKEN2]) });
    for (const authorization of [undefined, 'Bearer wrong-token-000000000000', `Basic ${TOKEN}`]) {
      const res = await post({ domains: ['a.example'] }, authorization ? { authorization } : {});
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="intransit"');
      expect((await problemOf(res)).code).toBe('unauthorized');
    }
    expect(calls).toHaveLength(0);
    expect((await post({ domains: ['a.example'] }, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await post({ domains: ['a.example'] }, { authorization: `Bearer ${TOKEN2}` })).status).toBe(200);
    expect((await app.request('/v1/info')).status).toBe(401);
    expect((await app.request('/v1/info', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('health and readiness need no token (load balancers)', async () => {
    const { app } = setup({ tokens: () => createTokenCheck([TOKEN]) });
    expect((await app.request('/v1/health')).status).toBe(200);
    expect((await app.request('/v1/ready')).status).toBe(200);
  });

  it('without tokens, a request relayed by a proxy is refused (the service is reachable from elsewhere)', async () => {
    const { post } = setup();
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
      const res = await post({ domains: ['a.example'] }, { [header]: '192.0.2.1' });
      expect(res.status, header).toBe(401);
    }
  });
});

describe('rate limit', () => {
  it('counts domains per client; over the limit is 429 with Retry-After', async () => {
    const limiter = createRateLimiter({ name: 'test', points: 3, durationS: 60 });
    const { post, calls } = setup({ limiter });
    expect((await post({ domains: ['a.example', 'b.example'] })).status).toBe(200);
    expect((await post({ domains: ['c.example'] })).status).toBe(200);
    const res = await post({ domains: ['d.example'] });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await problemOf(res)).code).toBe('rate-limited');
    expect(calls).toHaveLength(2);
  });

  it('keys by token as well: another organisation token has its own budget', async () => {
    const other = 'second-org-token-1234567890';
    const limiter = createRateLimiter({ name: 'test', points: 1, durationS: 60 });
    const { post } = setup({ limiter, tokens: () => createTokenCheck([TOKEN, other]) });
    expect((await post({ domains: ['a.example'] }, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await post({ domains: ['a.example'] }, { authorization: `Bearer ${TOKEN}` })).status).toBe(429);
    expect((await post({ domains: ['a.example'] }, { authorization: `Bearer ${other}` })).status).toBe(200);
  });
});

describe('info, health, ready, shutdown', () => {
  it('/v1/info says who answers and with which limits', async () => {
    const res = await setup({ limiter: createRateLimiter({ name: 'x', points: 120, durationS: 60 }) }).app.request('/v1/info');
    const body = await res.json();
    expect(v.is(infoSchema, body)).toBe(true);
    expect(body).toEqual({
      api: 'intransit-lookup/1', engine: '0.1.0', service: { name: 'Example Org' }, auth: 'none', cache: 'memory',
      limits: { maxDomains: 100, maxBodyBytes: 16384, domainsPerMinute: 120 }, probe: 'off',
    });
    expect(res.headers.get('cache-control')).toBe('private, max-age=300');
  });

  it('/v1/ready reports a degraded shared cache with 200 (the instance still answers)', async () => {
    const res = await setup({ ready: async () => 'degraded', cache: 'redis' }).app.request('/v1/ready');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(v.is(readySchema, body)).toBe(true);
    expect(body).toEqual({ status: 'degraded', cache: 'redis' });
  });

  it('while shutting down: 503 shutting-down for work, ready fails, health stays up', async () => {
    const { post, app, calls, deps } = setup();
    deps.state.shuttingDown = true;
    const res = await post({ domains: ['a.example'] });
    expect(res.status).toBe(503);
    expect((await problemOf(res)).code).toBe('shutting-down');
    expect(calls).toHaveLength(0);
    expect((await app.request('/v1/ready')).status).toBe(503);
    expect((await app.request('/v1/health')).status).toBe(200);
  });
});

describe('request log', () => {
  it('has route, status, counts and the token id: no domain, no address, no token', async () => {
    const { post, lines } = setup({ tokens: () => createTokenCheck([TOKEN]) });
    await post({ domains: ['secret-recipient.example', 'other.example'] }, { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '198.51.100.7' });
    await post({ domains: ['x@leaked.example'] }, { authorization: `Bearer ${TOKEN}` });
    const text = JSON.stringify(lines);
    expect(lines[0]).toMatchObject({ level: 'info', event: 'request', method: 'POST', path: '/v1/assess', status: 200, domains: 2, hits: 0, misses: 2 });
    expect(lines[0]?.client).toMatch(/^[0-9a-f]{8}$/);
    expect(lines[1]).toMatchObject({ status: 400 });
    for (const secret of ['secret-recipient', 'other.example', 'leaked', '198.51.100.7', TOKEN, '127.0.0.1']) expect(text).not.toContain(secret);
  });

  it('with --log-domains, names the domains (and still no addresses)', async () => {
    const { post, lines } = setup({ logDomains: true });
    await post({ domains: ['debug.example'] });
    expect(lines[0]).toMatchObject({ names: ['debug.example'] });
  });

  it('logs other paths as "other", not verbatim', async () => {
    const { app, lines } = setup();
    await app.request('/v1/assess/someone.example');
    expect(lines[0]).toMatchObject({ path: 'other', status: 404 });
    expect(JSON.stringify(lines)).not.toContain('someone.example');
  });
});
