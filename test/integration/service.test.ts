// The lookup service over real sockets (src/service, in this process): the test world's DoH
// server and HTTPS policy hosts on 127.0.0.80, the service on 127.0.0.81. No mocks.
//
// Network rule of this suite: every address the service must refuse is a loopback address with
// a counting listener (127.0.0.82, 127.0.0.83 and ::1, port 443), so a wrong connection would
// be seen here and could never leave the machine. Link-local, private, NAT64 and the other
// ranges are covered by the pure table test (test/unit/service/egress.test.ts).
import { once } from 'node:events';
import { request } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessDomain, type Assessment } from '../../src/core/index.ts';
import { createNodeHttpsFetch } from '../../src/node/https-fetch.ts';
import { parseConfig } from '../../src/service/config.ts';
import { createLogger } from '../../src/service/logger.ts';
import { startService, type RunningService } from '../../src/service/main.ts';
import { assessResponseSchema, LOOKUP_API, type ServiceAssessment } from '../../src/shared/lookup-api.ts';
import { issueCertificate } from '../support/ca.ts';
import { writeTempFile } from '../support/tmp.ts';
import { runCli } from './cli-run.ts';
import { EXPECTED_LEVELS, POLICY_PATH, scenarioZone, startWorld, type World } from '../support/world.ts';

const WORLD = 80;
const SERVICE_HOST = '127.0.0.81';
const REFUSED_V4 = ['127.0.0.82', '127.0.0.83'];
const CLOSED = '127.0.0.84'; // allowed in the first half, nothing listens there
const CHROME = 'chrome-extension://kojkdehamgggcacghdimajanhpnlpfpe';
const TOKEN = 'integration-token-0123456789';

let world: World;
const counters: { address: string; server: Server; connections: number }[] = [];

/** A listener that counts TCP connections and closes each at once. */
async function countingListener(address: string): Promise<void> {
  const entry = { address, server: createServer(), connections: 0 };
  entry.server.on('connection', (socket: Socket) => {
    entry.connections++;
    socket.destroy();
  });
  entry.server.listen(443, address);
  await once(entry.server, 'listening');
  counters.push(entry);
}
const connectionsTo = (address: string): number => counters.find((c) => c.address === address)?.connections ?? -1;

/** The SSRF zone: policy hosts of attacker-controlled domains point at refused addresses. */
function ssrfZone(worldIp: string) {
  const zone = scenarioZone(worldIp);
  zone.zones.push({ apex: 'ssrf.test', signed: false });
  const domain = (name: string, policyHost: { A?: string[]; AAAA?: string[]; CNAME?: string }) => {
    zone.records[`${name}.ssrf.test`] = { MX: [`10 mx.${name}.ssrf.test`] };
    zone.records[`mx.${name}.ssrf.test`] = { A: ['192.0.2.25'] };
    zone.records[`_mta-sts.${name}.ssrf.test`] = { TXT: ['v=STSv1; id=1'] };
    zone.records[`mta-sts.${name}.ssrf.test`] = policyHost;
  };
  domain('v4', { A: ['127.0.0.82'] });
  domain('v6', { AAAA: ['::1'] });
  domain('mapped', { AAAA: ['::ffff:127.0.0.83'] });
  domain('mixed', { A: ['127.0.0.83'], AAAA: ['::1'] });
  domain('alias', { CNAME: 'target.alias.ssrf.test' });
  zone.records['target.alias.ssrf.test'] = { A: ['127.0.0.82'] };
  // One refused and one allowed address: the allowed one is used, the refused one never.
  domain('half', { A: ['127.0.0.82', worldIp] });
  domain('closed', { A: [CLOSED] });
  return zone;
}

interface Started {
  service: RunningService;
  logs: Record<string, unknown>[];
}

async function start(args: string[]): Promise<Started> {
  const logs: Record<string, unknown>[] = [];
  const config = parseConfig(['--listen', `${SERVICE_HOST}:0`, '--resolver', world.doh.url, '--allow-special-use-names', '--timeout', '3000', ...args], {});
  const service = await startService(config, { ca: world.ca.certPem, logger: createLogger((line) => logs.push(JSON.parse(line))) }, {});
  return { service, logs };
}

const running: Started[] = [];
async function started(args: string[]): Promise<Started> {
  const s = await start(args);
  running.push(s);
  return s;
}

async function post(service: RunningService, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${service.url}/v1/assess`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-intransit-client': 'integration/1', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function results(service: RunningService, domains: string[], extra: Record<string, unknown> = {}): Promise<ServiceAssessment[]> {
  const res = await post(service, { domains, ...extra });
  expect(res.status).toBe(200);
  const body = await res.json();
  const parsed = v.safeParse(assessResponseSchema, body);
  expect(parsed.success, JSON.stringify(parsed.issues?.[0]?.path?.map((p) => p.key))).toBe(true);
  expect(body.api).toBe(LOOKUP_API);
  return body.results;
}

/** What the service adds (expiry relative to now, cache state) and the check time. */
function comparable(a: Assessment & { expiresIn?: number; cache?: string }): unknown {
  const { checkedAt: _c, expiresAt: _e, expiresIn: _i, cache: _h, ...rest } = a;
  return rest;
}

let main: Started;

beforeAll(async () => {
  world = await startWorld({ loopback: WORLD });
  world.doh.setZone(ssrfZone(world.ip));
  world.hosts.set('mta-sts.half.ssrf.test', { paths: { [POLICY_PATH]: { body: 'version: STSv1\nmode: enforce\nmx: *.half.ssrf.test\nmax_age: 86400\n', contentType: 'text/plain' } } });
  for (const address of [...REFUSED_V4, '::1']) await countingListener(address);
  main = await started(['--allow-egress', `${world.ip}/32`, '--allow-egress', `${CLOSED}/32`]);
});

afterAll(async () => {
  await Promise.all(running.map((s) => s.service.close()));
  await Promise.all(counters.map((c) => new Promise((resolve) => c.server.close(resolve))));
  await world?.close();
});

describe('POST /v1/assess against the test world', () => {
  it('every scenario equals assessDomain called directly (the service adds nothing)', async () => {
    const domains = Object.keys(EXPECTED_LEVELS);
    const fromService = await results(main.service, domains);
    expect(Object.fromEntries(fromService.map((a) => [a.domain, a.level]))).toEqual(EXPECTED_LEVELS);
    const direct = await Promise.all(domains.map((d) => assessDomain(d, world.deps({ timeoutMs: 3000 }))));
    for (const [i, a] of fromService.entries()) {
      expect(comparable(a), a.domain).toEqual(comparable(direct[i] as Assessment));
      expect(a.expiresIn).toBeGreaterThanOrEqual(0);
      expect(a.expiresIn).toBeLessThanOrEqual(Math.ceil(((direct[i] as Assessment).expiresAt - (direct[i] as Assessment).checkedAt) / 1000));
      expect(a.cache).toBe('miss');
    }
  });

  it('answers a repeated request from its cache, without a DNS query', async () => {
    await results(main.service, ['enforce.test', 'dane.test']);
    const before = world.doh.queries.length;
    const again = await results(main.service, ['enforce.test', 'dane.test']);
    expect(again.map((a) => a.cache)).toEqual(['hit', 'hit']);
    expect(world.doh.queries.length).toBe(before);
  });

  it('an unreachable resolver gives 200 with unknown, and the reason names neither its host nor its address', async () => {
    const config = parseConfig(['--listen', `${SERVICE_HOST}:0`, '--resolver', `https://${CLOSED}:1/dns-query`, '--timeout', '300'], {});
    const lone = await startService(config, { ca: world.ca.certPem, logger: createLogger(() => {}) }, {});
    try {
      const [a] = await results(lone, ['example.com']);
      expect(a).toMatchObject({ level: 'unknown', reasons: [{ code: 'mx.lookup-failed' }] });
      const text = JSON.stringify(a);
      expect(text).not.toContain(CLOSED);
      expect(text).not.toMatch(/ECONNREFUSED|could not be reached/);
    } finally {
      await lone.close();
    }
  });
});

describe('SSRF: refused addresses are never connected to', () => {
  it.each(['v4', 'v6', 'mapped', 'mixed', 'alias'])('%s.ssrf.test: misconfigured (policy unreachable), no TCP connection arrives', async (name) => {
    const before = counters.map((c) => c.connections);
    const [a] = await results(main.service, [`${name}.ssrf.test`]);
    expect(a).toMatchObject({ level: 'misconfigured', reasons: [{ code: 'mta-sts.policy-unreachable' }] });
    expect(a?.reasons[0]?.message).toMatch(/has no address the lookup service may connect to/);
    expect(counters.map((c) => c.connections)).toEqual(before);
    expect(counters.every((c) => c.connections === 0)).toBe(true);
  });

  it('of a refused and an allowed address, only the allowed one is used', async () => {
    const [a] = await results(main.service, ['half.ssrf.test']);
    expect(a).toMatchObject({ level: 'protected', mechanism: 'mta-sts' });
    expect(connectionsTo('127.0.0.82')).toBe(0);
    expect(world.hosts.requests.some((r) => r.host === 'mta-sts.half.ssrf.test')).toBe(true);
  });

  it('logs each refusal as a security event, with the ranges, never the address or (by default) the domain', () => {
    const events = main.logs.filter((l) => l.event === 'egress-refused');
    expect(events.length).toBeGreaterThanOrEqual(5);
    expect(events[0]).toMatchObject({ level: 'warn', ranges: expect.arrayContaining([expect.stringMatching(/loopback|IPv4-mapped/)]) });
    const all = JSON.stringify(main.logs);
    for (const leak of ['127.0.0.82', '127.0.0.83', '::1', 'ssrf.test', 'enforce.test']) expect(all).not.toContain(leak);
  });

  it('a connection failure to an allowed address is reported without the address', async () => {
    const [a] = await results(main.service, ['closed.ssrf.test']);
    expect(a).toMatchObject({ level: 'misconfigured', reasons: [{ code: 'mta-sts.policy-unreachable' }] });
    expect(JSON.stringify(a)).not.toContain(CLOSED);
    expect(a?.reasons[0]?.message).toMatch(/connect failed \(ECONNREFUSED\)/);
  });

  it('the same names DO connect when the test-only allowance covers those addresses (the listeners count)', async () => {
    const { service, logs } = await started(['--allow-egress', `${world.ip}/32`, '--allow-egress', '127.0.0.82/32', '--allow-egress', '127.0.0.83/32', '--allow-egress', '::1/128']);
    expect(logs.find((l) => l.event === 'egress-allowance')).toMatchObject({ level: 'warn' });
    const before = { v4: connectionsTo('127.0.0.82'), mapped: connectionsTo('127.0.0.83'), v6: connectionsTo('::1') };
    await results(service, ['v4.ssrf.test', 'mapped.ssrf.test', 'v6.ssrf.test']);
    expect(connectionsTo('127.0.0.82')).toBeGreaterThan(before.v4);
    expect(connectionsTo('127.0.0.83')).toBeGreaterThan(before.mapped);
    expect(connectionsTo('::1')).toBeGreaterThan(before.v6);
    for (const c of counters) c.connections = 0; // the refusal tests above assert zero
  });

  it('with the default configuration, .test names are refused without any DNS query', async () => {
    const config = parseConfig(['--listen', `${SERVICE_HOST}:0`, '--resolver', world.doh.url], {});
    const strict = await startService(config, { ca: world.ca.certPem, logger: createLogger(() => {}) }, {});
    try {
      const before = world.doh.queries.length;
      const list = await results(strict, ['enforce.test', 'v4.ssrf.test']);
      expect(list.map((a) => a.reasons[0]?.code)).toEqual(['service.refused-domain', 'service.refused-domain']);
      expect(world.doh.queries.length).toBe(before);
    } finally {
      await strict.close();
    }
  });
});

describe('who may call it', () => {
  it('a web origin gets 403 before any work: no DNS query, no policy fetch', async () => {
    const queries = world.doh.queries.length;
    const requests = world.hosts.requests.length;
    for (const origin of ['https://evil.example', 'null']) {
      const res = await post(main.service, { domains: ['fresh-domain.testing.test', 'plain.test'] }, { origin });
      expect(res.status).toBe(403);
      expect((await res.json()).code).toBe('origin-not-allowed');
      const preflight = await fetch(`${main.service.url}/v1/assess`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      expect(preflight.status).toBe(403);
    }
    expect(world.doh.queries.length).toBe(queries);
    expect(world.hosts.requests.length).toBe(requests);
  });

  it('the extension\'s origin passes with CORS headers', async () => {
    const res = await post(main.service, { domains: ['enforce.test'] }, { origin: CHROME });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(CHROME);
  });

  it('tokens: 401 without or with a wrong one, 200 with either of two; the file is re-read on reload', async () => {
    const file = writeTempFile('tokens.txt', `# rotation\n${TOKEN}\nsecond-token-abcdefghijkl\n`);
    const { service } = await started(['--tokens-file', file]);
    expect((await post(service, { domains: ['enforce.test'] })).status).toBe(401);
    expect((await post(service, { domains: ['enforce.test'] }, { authorization: 'Bearer not-the-token-00000000' })).status).toBe(401);
    expect((await post(service, { domains: ['enforce.test'] }, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await post(service, { domains: ['enforce.test'] }, { authorization: 'Bearer second-token-abcdefghijkl' })).status).toBe(200);
    writeTempFile('tokens.txt', 'third-token-after-rotation\n', file.replace(/\/tokens\.txt$/, ''));
    expect(service.reloadTokens()).toBe(true);
    expect((await post(service, { domains: ['enforce.test'] }, { authorization: `Bearer ${TOKEN}` })).status).toBe(401);
    expect((await post(service, { domains: ['enforce.test'] }, { authorization: 'Bearer third-token-after-rotation' })).status).toBe(200);
    writeTempFile('tokens.txt', 'short\n', file.replace(/\/tokens\.txt$/, ''));
    expect(service.reloadTokens()).toBe(false); // a bad file keeps the tokens in use
    expect((await post(service, { domains: ['enforce.test'] }, { authorization: 'Bearer third-token-after-rotation' })).status).toBe(200);
  });

  it('rate limit: domains per minute per client, then 429 with Retry-After', async () => {
    const { service } = await started(['--rate-limit', '3', '--allow-egress', `${world.ip}/32`]);
    expect((await post(service, { domains: ['enforce.test', 'testing.test'] })).status).toBe(200);
    expect((await post(service, { domains: ['enforce.test'] })).status).toBe(200);
    const res = await post(service, { domains: ['plain.test'] });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await res.json()).code).toBe('rate-limited');
  });

  it('serves HTTPS itself with --tls-cert/--tls-key', async () => {
    const cert = await issueCertificate(world.ca, { dnsNames: ['localhost'], ipAddresses: [SERVICE_HOST] });
    const { service } = await started(['--tls-cert', writeTempFile('cert.pem', cert.cert), '--tls-key', writeTempFile('key.pem', cert.key)]);
    expect(service.url).toMatch(/^https:\/\/127\.0\.0\.81:\d+$/);
    const res = await createNodeHttpsFetch({ ca: world.ca.certPem })(`${service.url}/v1/health`);
    expect(JSON.parse(await res.text())).toEqual({ status: 'ok' });
  });
});

describe('intransit check --service', () => {
  it('gives the verdicts of the service, sending domains only, with the exit code of check', async () => {
    const before = main.logs.length;
    const run = await runCli(['check', '--service', main.service.url, '--json', ...Object.keys(EXPECTED_LEVELS).map((d) => `someone@${d}`)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1); // some unverified, misconfigured or undeliverable; none unknown
    const list = JSON.parse(run.stdout) as ServiceAssessment[];
    expect(Object.fromEntries(list.map((a) => [a.domain, a.level]))).toEqual(EXPECTED_LEVELS);
    const request = main.logs.slice(before).find((l) => l.event === 'request' && l.path === '/v1/assess');
    expect(request).toMatchObject({ status: 200, domains: Object.keys(EXPECTED_LEVELS).length }); // not a 400 address-not-accepted
  });

  it('with a token service: --token passes; without, every target is unknown (exit 3) and stderr says why', async () => {
    const file = writeTempFile('tokens.txt', `${TOKEN}\n`);
    const { service } = await started(['--tokens-file', file, '--allow-egress', `${world.ip}/32`]);
    const ok = await runCli(['check', '--service', service.url, '--token', TOKEN, 'enforce.test']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/enforce\.test\s+✓ Protected/);
    const viaEnv = await runCli(['check', '--service', service.url, 'enforce.test'], { env: { INTRANSIT_TOKEN: TOKEN } });
    expect(viaEnv.code).toBe(0);
    const refused = await runCli(['check', '--service', service.url, '--json', 'enforce.test']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/the lookup service answered HTTP 401 unauthorized/);
    expect(JSON.parse(refused.stdout)[0]).toMatchObject({ domain: 'enforce.test', level: 'unknown', reasons: [{ code: 'service.refused' }] });
  });
});

describe('bad bodies over the wire', () => {
  it.each([
    [{ 'content-type': 'text/plain' }, '{"domains":["enforce.test"]}', 415, 'json-required'],
    [{ 'content-type': 'application/x-www-form-urlencoded' }, 'domains=enforce.test', 415, 'json-required'],
    [{}, '{"domains":["enforce.test"', 400, 'bad-request'],
    [{}, '{"domains":["a@enforce.test"]}', 400, 'address-not-accepted'],
    [{}, JSON.stringify({ domains: Array.from({ length: 101 }, (_, i) => `d${i}.test`) }), 400, 'too-many-domains'],
    [{}, '{"domains":["enforce.test"],"sender":"gmail"}', 400, 'bad-sender'],
    [{}, JSON.stringify({ domains: ['enforce.test'], pad: 'x'.repeat(20_000) }), 413, 'body-too-large'],
  ])('%j %s -> %i %s', async (headers, body, status, code) => {
    const res = await post(main.service, body, headers);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect((await res.json()).code).toBe(code);
  });

  it('a chunked body over 16 KB (no Content-Length) is cut off with 413', async () => {
    const url = new URL(`${main.service.url}/v1/assess`);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'x-intransit-client': 't', 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.write('{"domains":["enforce.test"],"pad":"');
      for (let i = 0; i < 20; i++) req.write('x'.repeat(1024));
      req.end('"}');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).code).toBe('body-too-large');
  });

  it('info, health and ready answer', async () => {
    expect(await (await fetch(`${main.service.url}/v1/info`)).json()).toMatchObject({ api: LOOKUP_API, auth: 'none', cache: 'memory', probe: 'off' });
    expect(await (await fetch(`${main.service.url}/v1/health`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${main.service.url}/v1/ready`)).json()).toEqual({ status: 'ok', cache: 'memory' });
  });
});
