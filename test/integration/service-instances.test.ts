// Several instances sharing Redis, as an organisation runs them behind its load balancer: two
// real `intransit serve` processes (A and B), a real redis-server (Debian's package, started
// here on a unix socket, no persistence), the test world on 127.0.0.85. No mocks.
// Also: graceful shutdown on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../support/service-process.ts';
import { makeTempDir } from '../support/tmp.ts';
import { POLICY_PATH, scenarioZone, startWorld, type World } from '../support/world.ts';

const ROOT = join(import.meta.dirname, '../..');
const SERVICE_HOST = '127.0.0.86';
const OTHER_CLIENT = '127.0.0.87'; // the rate-limit test's own client address (its own budget)
const RATE_LIMIT = 40;

let world: World;
let redis: ChildProcess;
let redisUrl: string;
const processes: ChildProcess[] = [];
/** Children started in a process group of their own (npm and what it runs). */
const groups: ChildProcess[] = [];

type Instance = ServiceProcess;

async function startRedis(dir: string): Promise<void> {
  const socket = join(dir, 'redis.sock');
  redis = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  redis.once('error', (error) => { throw new Error(`redis-server could not be started (install Debian's redis-server): ${error.message}`); });
  const lines = createInterface({ input: redis.stdout! });
  for await (const line of lines) {
    if (/ready to accept connections/i.test(line)) break;
  }
  redisUrl = `unix://${socket}`;
}

async function startInstance(args: string[]): Promise<Instance> {
  return spawnService(['--listen', `${SERVICE_HOST}:0`, '--resolver', world.doh.url, '--allow-special-use-names',
    '--allow-egress', `${world.ip}/32`, '--timeout', '3000', ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_EXTRA_CA_CERTS: world.caFile },
    onSpawn: (child) => processes.push(child),
  });
}

/** POST /v1/assess over node:http, optionally from a chosen local address. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field below
function assess(instance: Instance, body: unknown, localAddress?: string): Promise<{ status: number; json: any }> {
  const url = new URL(`${instance.url}/v1/assess`);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, agent: false,
      headers: { 'content-type': 'application/json', 'x-intransit-client': 'integration/1', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const ready = async (instance: Instance) => (await fetch(`${instance.url}/v1/ready`)).json();

let a: Instance;
let b: Instance;

beforeAll(async () => {
  world = await startWorld({ loopback: 85 });
  const zone = scenarioZone(world.ip);
  zone.zones.push({ apex: 'multi.test', signed: false });
  zone.records['kept.multi.test'] = { MX: ['10 mx.kept.multi.test'] };
  zone.records['mx.kept.multi.test'] = { A: ['192.0.2.25'] };
  zone.records['_mta-sts.kept.multi.test'] = { TXT: ['v=STSv1; id=1'] };
  zone.records['mta-sts.kept.multi.test'] = { A: [world.ip] };
  world.doh.setZone(zone);
  world.hosts.set('mta-sts.kept.multi.test', { paths: { [POLICY_PATH]: { body: 'version: STSv1\nmode: enforce\nmx: mx.kept.multi.test\nmax_age: 86400\n', contentType: 'text/plain' } } });
  await startRedis(makeTempDir('redis-'));
  [a, b] = await Promise.all([
    startInstance(['--redis', redisUrl, '--rate-limit', String(RATE_LIMIT)]),
    startInstance(['--redis', redisUrl, '--rate-limit', String(RATE_LIMIT)]),
  ]);
});

afterAll(async () => {
  for (const child of processes) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const child of groups) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  }
  if (redis && redis.exitCode === null && redis.signalCode === null) redis.kill('SIGKILL');
  await world?.close();
});

describe('how it starts', () => {
  it('npm run serve starts the built service (no TypeScript loader) and stops on SIGTERM', async () => {
    const child = spawn('npm', ['run', '--silent', 'serve', '--', '--listen', `${SERVICE_HOST}:0`, '--name', 'Npm Run'], {
      cwd: ROOT, env: { ...process.env, INTRANSIT_DEBUG_EXIT: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, as a terminal's foreground job
    });
    groups.push(child);
    const events: string[] = [];
    // The pipe closes once every process writing to it is gone: npm and the service it started.
    const closed = once(child.stdout!, 'close');
    const url = await new Promise<string>((resolve) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.startsWith('{')) return;
        const entry = JSON.parse(line) as { event: string; url?: string };
        events.push(entry.event);
        if (entry.event === 'listening') resolve(entry.url as string);
      });
    });
    expect(await (await fetch(`${url}/v1/info`)).json()).toMatchObject({ service: { name: 'Npm Run' }, cache: 'memory' });
    // As Ctrl-C or `kill` of the job does: the signal goes to npm, its shell and the service (npm
    // itself does not pass SIGTERM on).
    process.kill(-child.pid!, 'SIGTERM');
    await closed;
    expect(events).toEqual(expect.arrayContaining(['shutting-down', 'stopped']));
    await expect(fetch(`${url}/v1/health`)).rejects.toThrow();
  });

  it('npx intransit serve --help lists the options', async () => {
    const child = spawn('npx', ['--no-install', 'intransit', 'serve', '--help'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(out).toContain('--tokens-file FILE');
    expect(out).toContain('INTRANSIT_REDIS_URL');
  });
});

describe('two instances, one Redis', () => {
  it('both report the shared cache as ready', async () => {
    expect(await ready(a)).toEqual({ status: 'ok', cache: 'redis' });
    expect(await ready(b)).toEqual({ status: 'ok', cache: 'redis' });
  });

  it('A fills, B hits: the same results and not one new DNS query', async () => {
    const domains = ['enforce.test', 'dane.test', 'testing.test', 'nxdomain.test'];
    const fromA = await assess(a, { domains });
    expect(fromA.status).toBe(200);
    expect(fromA.json.results.map((r: { cache: string }) => r.cache)).toEqual(['miss', 'miss', 'miss', 'miss']);
    const queries = world.doh.queries.length;
    const fromB = await assess(b, { domains });
    expect(fromB.json.results.map((r: { cache: string }) => r.cache)).toEqual(['hit', 'hit', 'hit', 'hit']);
    const strip = (r: Record<string, unknown>) => ({ ...r, cache: undefined, expiresIn: undefined });
    expect(fromB.json.results.map(strip)).toEqual(fromA.json.results.map(strip));
    expect(world.doh.queries.length).toBe(queries);
  });

  it('a policy cached through A keeps B protected while the policy host fails (RFC 8461 s3.3)', async () => {
    const first = await assess(a, { domains: ['kept.multi.test'] });
    expect(first.json.results[0]).toMatchObject({ level: 'protected', evidence: { mtaSts: { policy: 'fetched' } } });
    // The domain announces a new policy id, and its policy host now fails.
    const zone = scenarioZone(world.ip);
    world.hosts.set('mta-sts.kept.multi.test', { paths: { [POLICY_PATH]: { status: 500, body: 'down' } } });
    const next = JSON.parse(JSON.stringify(zone));
    next.zones.push({ apex: 'multi.test', signed: false });
    Object.assign(next.records, {
      'kept.multi.test': { MX: ['10 mx.kept.multi.test'] },
      'mx.kept.multi.test': { A: ['192.0.2.25'] },
      '_mta-sts.kept.multi.test': { TXT: ['v=STSv1; id=2'] },
      'mta-sts.kept.multi.test': { A: [world.ip] },
    });
    world.doh.setZone(next);
    const fetches = world.hosts.requests.filter((r) => r.host === 'mta-sts.kept.multi.test').length;
    // Another sender: not in the assessment cache, so B checks the domain itself.
    const fromB = await assess(b, { domains: ['kept.multi.test'], sender: { mtaSts: true, dane: false } });
    const result = fromB.json.results[0];
    expect(result).toMatchObject({ level: 'protected', cache: 'miss', evidence: { mtaSts: { policy: 'cached', id: '2' } } });
    expect(result.reasons.map((r: { code: string }) => r.code)).toContain('mta-sts.cache.kept');
    expect(world.hosts.requests.filter((r) => r.host === 'mta-sts.kept.multi.test').length).toBe(fetches + 1); // B did try the new policy

    // Without the shared cache the same check says misconfigured: Redis is what carried the policy.
    const alone = await startInstance([]);
    try {
      const fromAlone = await assess(alone, { domains: ['kept.multi.test'], sender: { mtaSts: true, dane: false } });
      expect(fromAlone.json.results[0]).toMatchObject({ level: 'misconfigured', reasons: [{ code: 'mta-sts.policy-unreachable' }] });
    } finally {
      alone.child.kill('SIGTERM');
      await alone.exited;
    }
  });

  it('the rate limit is shared: requests spread over A and B draw on one budget', async () => {
    const batch = (n: number) => ({ domains: Array.from({ length: 10 }, (_, i) => `r${n}-${i}.nxdomain.test`) });
    for (const [i, instance] of [a, b, a, b].entries()) {
      expect((await assess(instance, batch(i), OTHER_CLIENT)).status).toBe(200);
    }
    const over = await assess(a, batch(9), OTHER_CLIENT);
    expect(over.status).toBe(429);
    expect(over.json.code).toBe('rate-limited');
    expect((await assess(b, batch(10), OTHER_CLIENT)).status).toBe(429);
    // Another client still has its budget.
    expect((await assess(b, { domains: ['plain.test'] })).status).toBe(200);
  });

  it('Redis killed: both instances still answer (cached and new domains), /v1/ready says degraded', async () => {
    redis.kill('SIGKILL');
    await once(redis, 'exit');
    for (const instance of [a, b]) {
      const res = await assess(instance, { domains: ['enforce.test', 'none.test', `gone-${instance === a ? 'a' : 'b'}.nxdomain.test`] });
      expect(res.status).toBe(200);
      expect(res.json.results.map((r: { domain: string; level: string }) => [r.domain, r.level])).toEqual([
        ['enforce.test', 'protected'], ['none.test', 'unverified'], [`gone-${instance === a ? 'a' : 'b'}.nxdomain.test`, 'undeliverable'],
      ]);
      expect(await ready(instance)).toEqual({ status: 'degraded', cache: 'redis' });
    }
    expect(a.logs.some((l) => l.event === 'redis-down')).toBe(true);
  });

  it('SIGTERM with idle connections open (a keep-alive one after a request, a preconnect that never sent one): exits at once, not after the grace', async () => {
    const instance = await startInstance([]);
    const { port, hostname } = new URL(instance.url);
    const keptAlive = connect(Number(port), hostname);
    keptAlive.on('error', () => undefined);
    keptAlive.write(`GET /v1/health HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
    await once(keptAlive, 'data');
    const preconnected = connect(Number(port), hostname);
    preconnected.on('error', () => undefined);
    await once(preconnected, 'connect');
    const started = performance.now();
    instance.child.kill('SIGTERM');
    expect(await instance.exited).toBe(0);
    // Before the fix the preconnected socket held the process for the whole 10 s grace.
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(instance.logs.map((l) => l.event)).not.toContain('shutdown-forced');
  });

  it('SIGTERM: a request in flight finishes, the port closes, the process exits 0', async () => {
    // pslow.test's policy host answers after 5 s; the service gives up at 3 s: a slow request.
    const inFlight = assess(a, { domains: ['pslow.test'] });
    await world.hosts.waitForRequest((r) => r.host === 'mta-sts.pslow.test');
    a.child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.json.results[0]).toMatchObject({ domain: 'pslow.test', level: 'misconfigured' });
    expect(await a.exited).toBe(0);
    await expect(fetch(`${a.url}/v1/health`)).rejects.toThrow();
    expect(a.logs.map((l) => l.event)).toEqual(expect.arrayContaining(['shutting-down', 'stopped']));
  });
});
