// HTTPS_PROXY / NO_PROXY: DoH and policy fetches through a real local HTTP CONNECT proxy that
// counts its tunnels. The fetches of src/node take the proxy as an option; the CLI reads it from
// the environment. A policy fetch tunnels to the address our DoH resolver gave, with TLS, SNI and
// Host for the mta-sts name, so the proxy never resolves a recipient's names.
import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttp2Fetch } from '../../src/node/http2-fetch.ts';
import { createNodeHttpsFetch } from '../../src/node/https-fetch.ts';
import { createDohResolver } from '../../src/core/index.ts';
import { loopbackAddress } from '../support/https-hosts.ts';
import { startWorld, type World } from '../support/world.ts';
import { runCli } from './cli-run.ts';

const PROXY_IP = loopbackAddress(16);
let world: World;
let proxy: HttpServer;
let proxyUrl: string;
/** The request-target of every CONNECT the proxy received, oldest first. */
let tunnels: string[] = [];
let refuse = false;
const open = new Set<Socket>();

beforeAll(async () => {
  world = await startWorld({ loopback: 15 });
  proxy = createHttpServer((_req, res) => { res.writeHead(405); res.end(); });
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    open.add(client);
    client.on('error', () => {});
    client.once('close', () => open.delete(client));
    if (refuse) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const target = /^\[?([^\]]+)\]?:(\d+)$/.exec(req.url ?? '');
    if (!target) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const upstream = connect(Number(target[2]), target[1], () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    open.add(upstream);
    upstream.once('close', () => { open.delete(upstream); client.destroy(); });
    upstream.on('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
  });
  proxy.listen(0, PROXY_IP);
  await once(proxy, 'listening');
  proxyUrl = `http://${PROXY_IP}:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of open) socket.destroy();
  await Promise.all([world?.close(), new Promise((done) => proxy.close(done))]);
});

beforeEach(() => {
  tunnels = [];
  refuse = false;
});

const dohAuthority = (): string => new URL(world.doh.url).host;

describe('the Node fetches through an HTTP CONNECT proxy', () => {
  it('http2: every DoH query of a fetch goes through one tunnel', async () => {
    const fetch = createHttp2Fetch({ ca: world.ca.certPem, proxy: { url: proxyUrl } });
    try {
      const resolver = createDohResolver({ urls: [world.doh.url], fetch, timeoutMs: 2_000 });
      const results = await Promise.all(['enforce.test', 'plain.test', 'dane.test'].map((name) => resolver.query(name, 'MX')));
      expect(results.map((r) => r.outcome)).toEqual(['answer', 'answer', 'answer']);
      expect(tunnels).toEqual([dohAuthority()]);
    } finally {
      fetch.close();
    }
  });

  it('https: tunnels to the looked-up address, with TLS and Host for the URL name', async () => {
    const fetch = createNodeHttpsFetch({ ca: world.ca.certPem, proxy: { url: proxyUrl }, lookup: async () => world.ip });
    const response = await fetch('https://mta-sts.enforce.test/.well-known/mta-sts.txt');
    expect(await response.text()).toMatch(/mode: enforce/);
    expect(tunnels).toEqual([`${world.ip}:443`]);
    expect(world.hosts.requests.at(-1)).toMatchObject({ host: 'mta-sts.enforce.test', sni: 'mta-sts.enforce.test' });
    fetch.close();
  });

  it('NO_PROXY: hosts that match by name, by the dialled address\'s block or by IP literal are reached directly', async () => {
    const policyUrl = 'https://mta-sts.enforce.test/.well-known/mta-sts.txt';
    const byName = createNodeHttpsFetch({ ca: world.ca.certPem, proxy: { url: proxyUrl, noProxy: 'example.org .test' }, lookup: async () => world.ip });
    const byBlock = createNodeHttpsFetch({ ca: world.ca.certPem, proxy: { url: proxyUrl, noProxy: 'example.org,127.0.0.0/8' }, lookup: async () => world.ip });
    const byLiteral = createHttp2Fetch({ ca: world.ca.certPem, proxy: { url: proxyUrl, noProxy: world.ip } });
    try {
      expect((await byName(policyUrl)).status).toBe(200);
      expect((await byBlock(policyUrl)).status).toBe(200);
      const resolver = createDohResolver({ urls: [world.doh.url], fetch: byLiteral, timeoutMs: 2_000 });
      expect((await resolver.query('enforce.test', 'MX')).outcome).toBe('answer');
      expect(tunnels).toEqual([]);
    } finally {
      byName.close();
      byBlock.close();
      byLiteral.close();
    }
  });

  it('a proxy that refuses the tunnel fails the request with its status', async () => {
    refuse = true;
    const fetch = createNodeHttpsFetch({ ca: world.ca.certPem, proxy: { url: proxyUrl }, lookup: async () => world.ip });
    await expect(fetch('https://mta-sts.enforce.test/.well-known/mta-sts.txt')).rejects.toThrow(/refused to connect to 127\.0\.0\.15:443 \(HTTP 407/);
    fetch.close();
  });
});

describe('intransit check with HTTPS_PROXY', () => {
  it('DoH and the policy fetch go through the proxy: one tunnel for all DoH queries, one per policy host', async () => {
    const run = await runCli(['check', 'enforce.test', 'testing.test', '--json', '--resolver', world.doh.url], { env: { NODE_EXTRA_CA_CERTS: world.caFile, HTTPS_PROXY: proxyUrl } });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { level: string }[]).map((a) => a.level)).toEqual(['protected', 'encrypted']);
    expect(tunnels.filter((t) => t === dohAuthority())).toHaveLength(1);
    // Both policy hosts live on the world's address: a tunnel each, to the address DoH gave.
    expect(tunnels.filter((t) => t === `${world.ip}:443`)).toHaveLength(2);
    expect(tunnels).toHaveLength(3);
  });

  it('no_proxy takes hosts out of the proxy; lower-case https_proxy is read too', async () => {
    const run = await runCli(['check', 'enforce.test', '--json', '--resolver', world.doh.url], { env: { NODE_EXTRA_CA_CERTS: world.caFile, https_proxy: proxyUrl, no_proxy: world.ip } });
    expect(run.code).toBe(0);
    expect(tunnels).toEqual([]);
  });

  it('a proxy that refuses every tunnel: unknown, exit 3, the hint and the proxy\'s answer on stderr', async () => {
    refuse = true;
    const run = await runCli(['check', 'enforce.test', '--resolver', world.doh.url, '--timeout', '3000'], { env: { NODE_EXTRA_CA_CERTS: world.caFile, HTTPS_PROXY: proxyUrl } });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/no resolver reachable/);
    expect(run.stderr).toMatch(/HTTP 407/);
  });

  it('an unusable HTTPS_PROXY is a bad argument (exit 2)', async () => {
    const run = await runCli(['check', 'enforce.test', '--resolver', world.doh.url], { env: { HTTPS_PROXY: 'socks5://127.0.0.1:1080' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^intransit: HTTPS_PROXY: 'socks5:\/\/127\.0\.0\.1:1080': only http:\/\/ proxies/);
  });
});
