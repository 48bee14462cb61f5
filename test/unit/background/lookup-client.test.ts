// The extension's client of the organisation's lookup service (src/background/lookup-client.ts):
// batching, what is sent, validation of every answer, every failure mode as `unknown` with its
// reason, Retry-After, the /v1/info connection state, and the route (assess-route.ts) that keeps
// DoH and the policy fetch silent while a service is set. Unit tests: a fetch written here and a
// manual clock; one group talks to the service's real HTTP app (src/service/app.ts) in process.
import { describe, expect, it, vi } from 'vitest';
import type { Assessment, Resolver } from '../../../src/core/index.ts';
import { assessDomain } from '../../../src/core/index.ts';
import { createAssessmentCache } from '../../../src/background/assessment-cache.ts';
import { createAssessmentService } from '../../../src/background/assessment-service.ts';
import { routedAssess, routeFor, type Route } from '../../../src/background/assess-route.ts';
import {
  BATCH_DELAY_MS, createLookupClient, FAILURE_TTL_S, MAX_RESPONSE_BYTES, MAX_TTL_S, MIN_TTL_S, REQUEST_TIMEOUT_MS, retryAfterSeconds, versionSkew,
  type LookupClientOptions,
} from '../../../src/background/lookup-client.ts';
import { memoryArea } from '../../../src/background/storage-area.ts';
import { createApp } from '../../../src/service/app.ts';
import type { ServiceEngine } from '../../../src/service/engine.ts';
import { createLogger } from '../../../src/service/logger.ts';
import { createOriginGate } from '../../../src/service/origin.ts';
import { createClientAddressResolver } from '../../../src/service/client-address.ts';
import { createTokenCheck } from '../../../src/service/tokens.ts';
import { MAX_BODY_BYTES } from '../../../src/shared/lookup-api.ts';
import type { LookupServiceSetting } from '../../../src/shared/settings.ts';
import { installI18n } from './locale-fixture.ts';

installI18n();

const T0 = 1_800_000_000_000;
const SERVICE: LookupServiceSetting = { url: 'https://intransit.example.org', token: 'org-token-0123456789abcdef' };
const GMAIL = { mtaSts: true, dane: false };

/** A manual clock: timers run when the test advances time. */
function manualClock() {
  let now = T0;
  let timers: { at: number; run: () => void; live: boolean }[] = [];
  return {
    now: () => now,
    schedule(run: () => void, ms: number) {
      const timer = { at: now + ms, run, live: true };
      timers.push(timer);
      return () => { timer.live = false; };
    },
    /** Moves time on and runs what became due; then lets the promises it started settle. */
    async advance(ms: number) {
      now += ms;
      const due = timers.filter((t) => t.live && t.at <= now);
      timers = timers.filter((t) => !due.includes(t));
      for (const t of due) {
        t.live = false;
        t.run();
      }
      await settle();
    },
  };
}

/** Lets every pending promise chain run (the client awaits fetch, body reads and parsing). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

/** What the service would answer for a domain: a complete, valid assessment. */
function result(domain: string, overrides: Record<string, unknown> = {}) {
  return {
    domain,
    level: 'protected',
    mechanism: 'mta-sts',
    reasons: [{ code: 'mta-sts.protected', severity: 'info', message: `${domain} requires an encrypted, authenticated connection (MTA-STS enforce).` }],
    evidence: {
      mx: { status: 'insecure', hosts: [{ host: `mx.${domain}`, preference: 10, mtaStsPattern: `*.${domain}` }], implicit: false, nullMx: false },
      mtaSts: { record: 'valid', id: '1', policy: 'fetched', mode: 'enforce', mx: [`*.${domain}`], maxAge: 86400, warnings: [] },
      dane: { mxSecure: false, hosts: [] },
      tlsRpt: { record: 'absent', rua: [] },
    },
    checkedAt: T0 - 5_000,
    expiresAt: T0 + 999_999_999,
    expiresIn: 600,
    cache: 'miss',
    ...overrides,
  };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
const problem = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title: 'x', status, code }), { status, headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers } });

interface Sent { url: string; init: RequestInit; body: { domains: string[]; sender: unknown } | undefined }

/** A client whose fetch records what is sent and answers with `answer` (default: valid results). */
function setup(answer?: (sent: Sent) => Response | Promise<Response>, options: Partial<LookupClientOptions> = {}) {
  const clock = manualClock();
  const sent: Sent[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const entry: Sent = { url, init, body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined };
    sent.push(entry);
    if (answer) return answer(entry);
    return json({ api: 'intransit-lookup/1', engine: '1.2.0', service: { name: 'Example Org' }, results: (entry.body?.domains ?? []).map((d) => result(d)) });
  });
  const client = createLookupClient({ fetch, version: '1.2.3', now: clock.now, schedule: clock.schedule, ...options });
  return { client, clock, sent, fetch };
}

describe('batching', () => {
  it('sends the domains asked for in the same tick in one POST, with the headers and fetch options of docs/lookup-service.md', async () => {
    const { client, clock, sent } = setup();
    const answers = Promise.all(['a.example', 'b.example', 'c.example'].map((d) => client.assess(SERVICE, d, GMAIL)));
    await settle();
    expect(sent).toHaveLength(0); // waits BATCH_DELAY_MS for more
    await clock.advance(BATCH_DELAY_MS);
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.url).toBe('https://intransit.example.org/v1/assess');
    expect(request?.body).toEqual({ domains: ['a.example', 'b.example', 'c.example'], sender: { mtaSts: true, dane: false } });
    expect(request?.init).toMatchObject({
      method: 'POST', credentials: 'omit', cache: 'no-store', redirect: 'manual', referrerPolicy: 'no-referrer',
      headers: { 'content-type': 'application/json', 'X-InTransit-Client': 'extension/1.2.3', authorization: 'Bearer org-token-0123456789abcdef' },
    });
    expect((await answers).map((a) => [a.domain, a.level])).toEqual([['a.example', 'protected'], ['b.example', 'protected'], ['c.example', 'protected']]);
  });

  it('joins a domain asked for within the batching delay, and starts a new batch after a send', async () => {
    const { client, clock, sent } = setup();
    const first = client.assess(SERVICE, 'a.example');
    await clock.advance(BATCH_DELAY_MS - 2);
    const second = client.assess(SERVICE, 'b.example');
    await clock.advance(2);
    expect(sent.map((s) => s.body?.domains)).toEqual([['a.example', 'b.example']]);
    await Promise.all([first, second]);
    const third = client.assess(SERVICE, 'c.example');
    await clock.advance(BATCH_DELAY_MS);
    await third;
    expect(sent.map((s) => s.body?.domains)).toEqual([['a.example', 'b.example'], ['c.example']]);
    // Unknown sender: `null`, as intransit check without --sender; no token, no Authorization.
    expect(sent[0]?.body?.sender).toBeNull();
  });

  it('asks once for a domain requested twice, and keeps batches apart per sender and per service', async () => {
    const { client, clock, sent } = setup();
    const other: LookupServiceSetting = { url: 'https://other.example.org/intransit' };
    const all = Promise.all([
      client.assess(SERVICE, 'a.example', GMAIL), client.assess(SERVICE, 'a.example', GMAIL),
      client.assess(SERVICE, 'a.example'), client.assess(other, 'a.example', GMAIL),
    ]);
    await clock.advance(BATCH_DELAY_MS);
    const [one, two] = await all;
    expect(one).toEqual(two);
    expect(sent.map((s) => [s.url, s.body?.domains, s.body?.sender])).toEqual([
      ['https://intransit.example.org/v1/assess', ['a.example'], { mtaSts: true, dane: false }],
      ['https://intransit.example.org/v1/assess', ['a.example'], null],
      ['https://other.example.org/intransit/v1/assess', ['a.example'], { mtaSts: true, dane: false }],
    ]);
    expect((sent[2]?.init.headers as Record<string, string>).authorization).toBeUndefined();
  });

  it('stays within the service\'s bounds: at most 100 domains and 16 KB of body per request', async () => {
    const { client, clock, sent } = setup();
    const many = Array.from({ length: 120 }, (_, i) => `d${i}.example`);
    const long = Array.from({ length: 90 }, (_, i) => `${'x'.repeat(60)}.${'y'.repeat(60)}.${'z'.repeat(60)}.l${i}.example`);
    const all = Promise.all([...many, ...long].map((d) => client.assess(SERVICE, d)));
    await clock.advance(BATCH_DELAY_MS);
    const results = await all;
    expect(results.map((r) => r.domain)).toEqual([...many, ...long]);
    expect(sent.flatMap((s) => s.body?.domains)).toEqual([...many, ...long]);
    for (const s of sent) {
      expect(s.body?.domains.length).toBeLessThanOrEqual(100);
      expect(new TextEncoder().encode(s.init.body as string).length).toBeLessThanOrEqual(MAX_BODY_BYTES);
    }
    expect(sent.length).toBeGreaterThanOrEqual(3);
  });

  it('halves its batches when the service is configured for fewer domains (400 too-many-domains)', async () => {
    const { client, clock, sent } = setup((s) => {
      const domains = s.body?.domains ?? [];
      if (domains.length > 3) return problem(400, 'too-many-domains');
      return json({ api: 'intransit-lookup/1', engine: '1.2.0', service: { name: null }, results: domains.map((d) => result(d)) });
    });
    const all = Promise.all(Array.from({ length: 8 }, (_, i) => client.assess(SERVICE, `d${i}.example`)));
    await clock.advance(BATCH_DELAY_MS);
    expect((await all).every((a) => a.level === 'protected')).toBe(true);
    expect(sent.map((s) => s.body?.domains.length)).toEqual([8, 4, 4, 2, 2, 2, 2]);
  });
});

describe('what is kept of an answer', () => {
  it('keeps a result for its expiresIn on this machine\'s clock (not the service\'s expiresAt), without the wire-only fields', async () => {
    const { client, clock } = setup();
    const pending = client.assess(SERVICE, 'a.example');
    await clock.advance(BATCH_DELAY_MS);
    const a = await pending;
    expect(a.expiresAt).toBe(T0 + BATCH_DELAY_MS + 600_000);
    expect(a.checkedAt).toBe(T0 - 5_000);
    expect(a).not.toHaveProperty('expiresIn');
    expect(a).not.toHaveProperty('cache');
    expect(a.evidence.mtaSts).toMatchObject({ policy: 'fetched', mode: 'enforce' });
  });

  it('never takes a display name from the service (it could label one domain as another)', async () => {
    const { client, clock } = setup((s) => valid([result(s.body?.domains[0] as string, { displayDomain: 'bank.example' })]));
    const pending = client.assess(SERVICE, 'evil.example');
    await clock.advance(BATCH_DELAY_MS);
    const a = await pending;
    expect(a.domain).toBe('evil.example');
    expect(a).not.toHaveProperty('displayDomain');
  });

  it.each([[0, MIN_TTL_S], [5, MIN_TTL_S], [86_400, MAX_TTL_S]])('clamps expiresIn %i to %i s (never a request per refresh, never longer than the engine keeps)', async (given, kept) => {
    const { client, clock } = setup((s) => json({ api: 'intransit-lookup/1', engine: '1.2.0', service: { name: null }, results: [result(s.body?.domains[0] as string, { expiresIn: given })] }));
    const pending = client.assess(SERVICE, 'a.example');
    await clock.advance(BATCH_DELAY_MS);
    expect((await pending).expiresAt).toBe(T0 + BATCH_DELAY_MS + kept * 1000);
  });

  it('remembers the name the service gives itself, and says so once', async () => {
    const onName = vi.fn();
    const { client, clock } = setup(undefined, { onName });
    expect(client.serviceName(SERVICE.url)).toBeUndefined();
    const pending = Promise.all([client.assess(SERVICE, 'a.example')]);
    await clock.advance(BATCH_DELAY_MS);
    await pending;
    const again = client.assess(SERVICE, 'b.example');
    await clock.advance(BATCH_DELAY_MS);
    await again;
    expect(client.serviceName(SERVICE.url)).toBe('Example Org');
    expect(onName).toHaveBeenCalledTimes(1);
    expect(onName).toHaveBeenCalledWith(SERVICE.url, 'Example Org');
  });
});

/** One assessment of a.example (plus b.example) through a client whose service answers `response`. */
async function answerFor(response: (s: Sent) => Response | Promise<Response>, service = SERVICE): Promise<{ a: Assessment; b: Assessment; sent: Sent[]; clock: ReturnType<typeof manualClock>; client: ReturnType<typeof createLookupClient> }> {
  const { client, clock, sent } = setup(response);
  const pending = Promise.all([client.assess(service, 'a.example'), client.assess(service, 'b.example')]);
  await clock.advance(BATCH_DELAY_MS);
  const [a, b] = await pending;
  return { a, b, sent, clock, client };
}

const valid = (results: unknown[]) => json({ api: 'intransit-lookup/1', engine: '1.2.0', service: { name: null }, results });

describe('validation: anything but a well-formed answer is unknown with extension.service-bad-response', () => {
  const cases: [string, (s: Sent) => Response][] = [
    ['one result too few', (s) => valid([result(s.body?.domains[0] as string)])],
    ['one result too many', (s) => valid([...(s.body?.domains ?? []).map((d) => result(d)), result('c.example')])],
    ['results in another order (a verdict for another domain)', () => valid([result('b.example'), result('a.example')])],
    ['a result for a domain not asked for', () => valid([result('a.example'), result('evil.example')])],
    ['a level that is not one of the six', (s) => valid((s.body?.domains ?? []).map((d) => result(d, { level: 'internal' })))],
    ['a reason longer than the bound', (s) => valid((s.body?.domains ?? []).map((d) => result(d, { reasons: [{ code: 'x', severity: 'info', message: 'm'.repeat(2001) }] })))],
    ['no reasons at all', (s) => valid((s.body?.domains ?? []).map((d) => result(d, { reasons: [] })))],
    ['a negative expiresIn', (s) => valid((s.body?.domains ?? []).map((d) => result(d, { expiresIn: -1 })))],
    ['another API version', (s) => json({ api: 'intransit-lookup/2', engine: '2.0.0', service: { name: null }, results: (s.body?.domains ?? []).map((d) => result(d)) })],
    ['a body that is not JSON', () => new Response('<html>welcome to the proxy</html>', { status: 200, headers: { 'content-type': 'application/json' } })],
    ['JSON sent as text/html', (s) => new Response(JSON.stringify({ api: 'intransit-lookup/1', engine: '1', service: { name: null }, results: (s.body?.domains ?? []).map((d) => result(d)) }), { status: 200, headers: { 'content-type': 'text/html' } })],
    ['a body over the size bound', () => new Response(new Uint8Array(MAX_RESPONSE_BYTES + 1), { status: 200, headers: { 'content-type': 'application/json' } })],
    ['null', () => json(null)],
  ];
  it.each(cases)('%s', async (_name, response) => {
    const { a, b } = await answerFor(response);
    for (const x of [a, b]) {
      expect(x.level).toBe('unknown');
      expect(x.reasons).toEqual([{ code: 'extension.service-bad-response', severity: 'error', message: "Your organisation's lookup service sent an answer InTransit cannot read." }]);
      expect(x.expiresAt).toBe(T0 + BATCH_DELAY_MS + FAILURE_TTL_S * 1000);
    }
  });
});

describe('failures: unknown with a plain reason, kept briefly', () => {
  const cases: [string, (s: Sent) => Response | Promise<Response>, string, string][] = [
    ['unreachable (connection refused, TLS, DNS)', () => Promise.reject(new TypeError('Failed to fetch')), 'extension.service-unreachable', "Your organisation's lookup service could not be reached."],
    ['401 with a token', () => problem(401, 'unauthorized', { 'www-authenticate': 'Bearer realm="intransit"' }), 'extension.service-unauthorized', "Your organisation's lookup service refused the extension's token. Your IT team can check the token in the lookupService setting."],
    ['403 origin not allowed', () => problem(403, 'origin-not-allowed'), 'extension.service-forbidden', "Your organisation's lookup service does not accept requests from this browser extension."],
    ['500', () => problem(500, 'internal-error'), 'extension.service-failed', "Your organisation's lookup service failed (HTTP 500)."],
    ['502 from a proxy, not JSON', () => new Response('Bad Gateway', { status: 502, headers: { 'content-type': 'text/html' } }), 'extension.service-failed', "Your organisation's lookup service failed (HTTP 502)."],
    ['404 (a wrong URL)', () => problem(404, 'not-found'), 'extension.service-refused', "Your organisation's lookup service refused the request (HTTP 404 not-found). Your IT team can check the URL in the lookupService setting."],
    ['a redirect (not followed)', () => new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } }), 'extension.service-bad-response', "Your organisation's lookup service answered with a redirect, which InTransit does not follow. Your IT team can check the URL in the lookupService setting."],
  ];
  it.each(cases)('%s', async (_name, response, code, message) => {
    const { a, b } = await answerFor(response);
    for (const x of [a, b]) {
      expect(x).toMatchObject({ level: 'unknown', reasons: [{ code, message, severity: 'error' }] });
      expect(x.expiresAt).toBe(T0 + BATCH_DELAY_MS + FAILURE_TTL_S * 1000);
    }
  });

  it('401 without a token says that one is needed', async () => {
    const { a } = await answerFor(() => problem(401, 'unauthorized'), { url: SERVICE.url });
    expect(a.reasons[0]).toMatchObject({ code: 'extension.service-unauthorized', message: "Your organisation's lookup service requires a token, and none is set. Your IT team can add it to the lookupService setting." });
  });

  it('a service that does not answer within the timeout: unknown, and the request is aborted', async () => {
    let signal: AbortSignal | undefined;
    const { client, clock } = setup((s) => new Promise<Response>((_resolve, reject) => {
      signal = s.init.signal ?? undefined;
      s.init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    }));
    const pending = client.assess(SERVICE, 'a.example');
    await clock.advance(BATCH_DELAY_MS);
    await clock.advance(REQUEST_TIMEOUT_MS - 1);
    expect(signal?.aborted).toBe(false);
    await clock.advance(1);
    expect(signal?.aborted).toBe(true);
    expect((await pending).reasons[0]).toMatchObject({ code: 'extension.service-timeout', message: "Your organisation's lookup service did not answer within 15 seconds." });
  });

  it('429: unknown until Retry-After, and no request goes out before it', async () => {
    let calls = 0;
    const { client, clock, sent } = setup((s) => {
      calls++;
      return calls === 1 ? problem(429, 'rate-limited', { 'retry-after': '120' }) : valid((s.body?.domains ?? []).map((d) => result(d)));
    });
    const first = client.assess(SERVICE, 'a.example');
    await clock.advance(BATCH_DELAY_MS);
    const limited = await first;
    expect(limited.reasons[0]).toMatchObject({ code: 'extension.service-rate-limited', message: "Your organisation's lookup service is busy (too many checks from this browser); InTransit asks again in 120 seconds." });
    expect(limited.expiresAt).toBe(T0 + BATCH_DELAY_MS + 120_000);

    await clock.advance(60_000);
    const during = client.assess(SERVICE, 'b.example');
    await clock.advance(BATCH_DELAY_MS);
    const held = await during;
    expect(held.reasons[0]?.code).toBe('extension.service-rate-limited');
    // Kept until the service's Retry-After ends, not longer.
    expect(held.expiresAt).toBe(T0 + BATCH_DELAY_MS + 120_000);
    expect(sent).toHaveLength(1);

    await clock.advance(60_000);
    const after = client.assess(SERVICE, 'b.example');
    await clock.advance(BATCH_DELAY_MS);
    expect((await after).level).toBe('protected');
    expect(sent).toHaveLength(2);
  });

  it('503 with Retry-After (shutting down) is honoured the same way', async () => {
    const { a, sent, client, clock } = await answerFor(() => problem(503, 'shutting-down', { 'retry-after': '1' }));
    expect(a.reasons[0]).toMatchObject({ code: 'extension.service-unavailable', message: "Your organisation's lookup service failed (HTTP 503)." });
    expect(a.expiresAt).toBe(T0 + BATCH_DELAY_MS + 1_000);
    const held = client.assess(SERVICE, 'c.example');
    await clock.advance(BATCH_DELAY_MS);
    expect((await held).reasons[0]?.code).toBe('extension.service-unavailable');
    expect(sent).toHaveLength(1);
  });

  it('reads Retry-After as seconds or an HTTP date, within bounds', () => {
    expect(retryAfterSeconds('30', T0)).toBe(30);
    expect(retryAfterSeconds(new Date(T0 + 90_000).toUTCString(), T0)).toBe(90);
    expect(retryAfterSeconds('0', T0)).toBe(1);
    expect(retryAfterSeconds('999999', T0)).toBe(600);
    expect(retryAfterSeconds('soon', T0)).toBe(60);
    expect(retryAfterSeconds(null, T0)).toBe(60);
  });
});

describe('no fallback while a lookup service is set (assess-route.ts)', () => {
  it('never builds the local deps, so no DoH query and no policy fetch happen — also when the service fails', async () => {
    const query = vi.fn<Resolver['query']>();
    const policyFetch = vi.fn();
    const local = vi.fn(() => ({ resolver: { query } as Resolver, fetch: policyFetch, now: () => T0 }));
    const { client, clock, sent } = setup(() => Promise.reject(new TypeError('Failed to fetch')));
    const service = createAssessmentService<Route>({
      assess: routedAssess(client, assessDomain),
      cache: createAssessmentCache(memoryArea(), { now: clock.now }),
      deps: () => routeFor({ lookupService: SERVICE }, local),
      now: clock.now,
    });
    const pending = service.assess('enforce.example', GMAIL);
    await settle();
    await clock.advance(BATCH_DELAY_MS);
    const a = await pending;
    expect(a.level).toBe('unknown');
    expect(a.reasons[0]?.code).toBe('extension.service-unreachable');
    expect(sent.map((s) => s.body)).toEqual([{ domains: ['enforce.example'], sender: GMAIL }]);
    expect(local).not.toHaveBeenCalled();
    expect(query).not.toHaveBeenCalled();
    expect(policyFetch).not.toHaveBeenCalled();
    // The failure is cached briefly like any result: asked again at once, it is not re-sent.
    expect((await service.assess('enforce.example', GMAIL)).reasons[0]?.code).toBe('extension.service-unreachable');
    expect(sent).toHaveLength(1);
  });

  it('without a lookup service the engine runs here with the local deps, and the client is not asked', async () => {
    const assess = vi.fn();
    const engine = vi.fn(async (domain: string) => ({ domain }) as unknown as Assessment);
    const route = await routeFor({ lookupService: null }, () => ({ resolver: {} as Resolver, fetch: null }));
    await routedAssess({ assess }, engine)('a.example', { ...route, sender: GMAIL });
    expect(engine).toHaveBeenCalledWith('a.example', { resolver: {}, fetch: null, sender: GMAIL });
    expect(assess).not.toHaveBeenCalled();
  });
});

describe('status (GET /v1/info): what the options page shows', () => {
  const info = (over: Record<string, unknown> = {}) => json({
    api: 'intransit-lookup/1', engine: '1.2.7', service: { name: 'Example Org' }, auth: 'token', cache: 'redis',
    limits: { maxDomains: 50, maxBodyBytes: 16384, domainsPerMinute: 120 }, probe: 'off', ...over,
  }, 200, { 'cache-control': 'private, max-age=300' });

  it('connected: name, versions, no skew within the same major.minor; the token is sent, no cookies', async () => {
    const { client, sent } = setup(() => info());
    expect(await client.status(SERVICE)).toEqual({
      state: 'connected', url: SERVICE.url, name: 'Example Org', api: 'intransit-lookup/1', engine: '1.2.7', extension: '1.2.3', skew: false, auth: 'token', cache: 'redis',
    });
    expect(sent[0]?.url).toBe('https://intransit.example.org/v1/info');
    expect(sent[0]?.init).toMatchObject({ method: 'GET', credentials: 'omit', cache: 'no-store', headers: { authorization: 'Bearer org-token-0123456789abcdef' } });
    expect(client.serviceName(SERVICE.url)).toBe('Example Org');
  });

  it('warns about version skew when major.minor differ', async () => {
    const { client } = setup(() => info({ engine: '1.3.0' }));
    expect(await client.status(SERVICE)).toMatchObject({ state: 'connected', skew: true });
    expect(versionSkew('0.3.1', '0.3.0')).toBe(false);
    expect(versionSkew('0.4.0', '0.3.9')).toBe(true);
    expect(versionSkew('development', '0.3.0')).toBe(true);
  });

  it('applies the limit /v1/info announces to later batches', async () => {
    let infoAsked = false;
    const { client, clock, sent } = setup((s) => {
      if (s.url.endsWith('/v1/info')) {
        infoAsked = true;
        return info({ limits: { maxDomains: 2, maxBodyBytes: 16384, domainsPerMinute: null } });
      }
      return valid((s.body?.domains ?? []).map((d) => result(d)));
    });
    await client.status(SERVICE);
    expect(infoAsked).toBe(true);
    const all = Promise.all(['a', 'b', 'c', 'd', 'e'].map((x) => client.assess(SERVICE, `${x}.example`)));
    await clock.advance(BATCH_DELAY_MS);
    await all;
    expect(sent.slice(1).map((s) => s.body?.domains.length)).toEqual([2, 2, 1]);
  });

  it.each([
    ['unreachable', () => Promise.reject(new TypeError('Failed to fetch')), 'extension.service-unreachable'],
    ['401', () => problem(401, 'unauthorized'), 'extension.service-unauthorized'],
    ['403', () => problem(403, 'origin-not-allowed'), 'extension.service-forbidden'],
    ['an unreadable answer', () => json({ api: 'intransit-lookup/1' }), 'extension.service-bad-response'],
  ] as const)('failed: %s', async (_name, response, code) => {
    const { client } = setup(response as () => Response);
    expect(await client.status(SERVICE)).toMatchObject({ state: 'failed', url: SERVICE.url, code });
  });

  it('says which API the service speaks when it is not this one', async () => {
    const { client } = setup(() => info({ api: 'intransit-lookup/2' }));
    expect(await client.status(SERVICE)).toEqual({
      state: 'failed', url: SERVICE.url, code: 'extension.service-api-mismatch',
      message: 'The lookup service speaks intransit-lookup/2; this extension needs intransit-lookup/1. Update the service or the extension.',
    });
  });
});

describe('against the service\'s own HTTP app (src/service/app.ts, in process)', () => {
  const CHROME = 'chrome-extension://kojkdehamgggcacghdimajanhpnlpfpe';
  function serviceApp(tokens: string[] | null) {
    const asked: string[][] = [];
    const engine: ServiceEngine = {
      async assess(domains) {
        asked.push([...domains]);
        return { results: domains.map((d) => ({ ...result(d), checkedAt: T0, expiresAt: T0 + 600_000 }) as never), hits: 0, misses: domains.length, refused: 0 };
      },
    };
    const app = createApp({
      engine, tokens: () => (tokens === null ? null : createTokenCheck(tokens)), origins: createOriginGate(), limiter: null,
      clientKey: createClientAddressResolver([]), ready: async () => 'ok', cache: 'memory', name: 'Example Org', maxDomains: 100,
      engineVersion: '1.2.0', logger: createLogger(() => {}), logDomains: false, state: { shuttingDown: false, inFlight: 0 },
    });
    // As the browser sends it from the extension's service worker: with the extension's Origin.
    const fetch = async (url: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('origin', CHROME);
      const { signal: _signal, ...rest } = init;
      void _signal;
      return app.request(url, { ...rest, headers });
    };
    return { fetch, asked };
  }

  it('is answered: the client\'s request passes the origin gate, the JSON and client-header rules and the token', async () => {
    const { fetch, asked } = serviceApp([SERVICE.token as string]);
    const clock = manualClock();
    const client = createLookupClient({ fetch, version: '1.2.3', now: clock.now, schedule: clock.schedule });
    const pending = Promise.all([client.assess(SERVICE, 'a.example', GMAIL), client.assess(SERVICE, 'b.example', GMAIL)]);
    await clock.advance(BATCH_DELAY_MS);
    expect((await pending).map((a) => a.level)).toEqual(['protected', 'protected']);
    expect(asked).toEqual([['a.example', 'b.example']]);
    expect(await client.status(SERVICE)).toMatchObject({ state: 'connected', name: 'Example Org', auth: 'token' });
  });

  it('a wrong token is refused by the service and shown as such', async () => {
    const { fetch, asked } = serviceApp(['another-token-0123456789']);
    const clock = manualClock();
    const client = createLookupClient({ fetch, version: '1.2.3', now: clock.now, schedule: clock.schedule });
    const pending = client.assess(SERVICE, 'a.example');
    await clock.advance(BATCH_DELAY_MS);
    expect((await pending).reasons[0]?.code).toBe('extension.service-unauthorized');
    expect(asked).toEqual([]);
  });
});
