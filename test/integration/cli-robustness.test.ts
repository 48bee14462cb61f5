// The CLI against servers that misbehave, as a real child process: it always ends within
// --timeout plus a margin and exits by itself (never through its last-resort exit), and it never
// prints a control character that came from the network.
import { once } from 'node:events';
import { createSecureServer, type Http2SecureServer, type ServerHttp2Session } from 'node:http2';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, issueCertificate, type TestCa } from '../support/ca.ts';
import { startDohServer, type DohServer } from '../support/doh-server.ts';
import { loopbackAddress, startHttpsHosts, type HttpsHosts } from '../support/https-hosts.ts';
import type { Zone } from '../support/zone.ts';
import { runCli } from './cli-run.ts';

const IP = loopbackAddress(13);
/** Port 443 here accepts TCP and never answers: the policy host of stall.test. */
const STALL_IP = loopbackAddress(14);
const TIMEOUT_MS = 1500;
/** Node start-up and a loaded machine: generous, but far below "hangs". */
const MARGIN_MS = 5000;

const ESC = '\u001b';
const HOSTILE_MX = `mx${ESC}[2J.hostile.test`;
const zone: Zone = {
  zones: [{ apex: 'plain.test', signed: false }, { apex: 'stall.test', signed: false }, { apex: 'hostile.test', signed: false }],
  records: {
    'plain.test': { MX: ['10 mx.plain.test'] },
    'mx.plain.test': { A: ['192.0.2.1'] },
    'stall.test': { MX: ['10 mx.stall.test'] },
    'mx.stall.test': { A: ['192.0.2.2'] },
    '_mta-sts.stall.test': { TXT: ['v=STSv1; id=1'] },
    'mta-sts.stall.test': { A: [STALL_IP] },
    'hostile.test': { MX: [`10 ${HOSTILE_MX}`, '20 mx\u202egnp.hostile.test'] },
    '_mta-sts.hostile.test': { TXT: ['v=STSv1; id=1'] },
    'mta-sts.hostile.test': { A: [IP] },
    '_smtp._tls.hostile.test': { TXT: [`v=TLSRPTv1; rua=mailto:${ESC}]0;pwned\u0007@hostile.test`] },
  },
} as Zone;

let ca: TestCa;
let doh: DohServer;
let hosts: HttpsHosts;
const servers: (TcpServer | TlsServer | Http2SecureServer)[] = [];
const sockets: Socket[] = [];
const sessions: ServerHttp2Session[] = [];
let blackHoleUrl: string;
let muteUrl: string;
let stallBodyUrl: string;
let c1TypeUrl: string;

async function listen<T extends TcpServer | TlsServer | Http2SecureServer>(server: T, host: string, port = 0): Promise<number> {
  servers.push(server);
  server.listen(port, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

const keep = (socket: Socket): void => {
  sockets.push(socket);
  socket.on('error', () => {});
  socket.resume();
};

beforeAll(async () => {
  ca = await createTestCa();
  const cert = await issueCertificate(ca, { dnsNames: ['localhost'], ipAddresses: [IP] });
  doh = await startDohServer({ zone, tls: cert, host: IP });
  hosts = await startHttpsHosts({
    host: IP,
    port: 443,
    ca,
    hosts: {
      'mta-sts.hostile.test': {
        paths: { '/.well-known/mta-sts.txt': { body: `version: STSv1\nmode: enforce\nmx: ${ESC}[31mred.hostile.test\u2066\nmx: *.hostile.test\nmax_age: 86400\n`, contentType: 'text/plain' } },
      },
    },
  });
  blackHoleUrl = `https://${IP}:${await listen(createTcpServer(keep), IP)}/dns-query`;
  muteUrl = `https://${IP}:${await listen(createTlsServer({ key: cert.key, cert: cert.cert, ALPNProtocols: ['h2'] }, keep), IP)}/dns-query`;
  // Answers every DoH query with headers and the first bytes of a body that never ends.
  const stalling = createSecureServer({ key: cert.key, cert: cert.cert });
  stalling.on('stream', (stream) => {
    stream.on('error', () => {});
    stream.respond({ ':status': 200, 'content-type': 'application/dns-message', 'content-length': '100' });
    stream.write(Buffer.alloc(10));
  });
  stalling.on('session', (session) => { session.on('error', () => {}); sessions.push(session); });
  stallBodyUrl = `https://${IP}:${await listen(stalling, IP)}/dns-query`;
  // A DoH server whose content type carries a C1 control (CSI, U+009B: "ESC [" to many terminals).
  const c1Type = createSecureServer({ key: cert.key, cert: cert.cert });
  c1Type.on('stream', (stream) => {
    stream.on('error', () => {});
    stream.respond({ ':status': 200, 'content-type': 'application/\u009b2Jdns' });
    stream.end();
  });
  c1TypeUrl = `https://${IP}:${await listen(c1Type, IP)}/dns-query`;
  await listen(createTcpServer(keep), STALL_IP, 443);
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  for (const session of sessions) session.destroy();
  await Promise.all([doh?.close(), hosts?.close(), ...servers.map((s) => new Promise((done) => s.close(done)))]);
});

const env = () => ({ NODE_EXTRA_CA_CERTS: ca.certFile() });

describe('intransit check never hangs', () => {
  it.each([
    ['accepts TCP but never completes TLS', () => blackHoleUrl],
    ['completes TLS but never sends HTTP/2 SETTINGS', () => muteUrl],
    ['stalls in the middle of every answer body', () => stallBodyUrl],
  ])('a DoH server that %s: unknown, exit 3 within --timeout, a hint on stderr', async (_what, url) => {
    const run = await runCli(['check', 'plain.test', '--resolver', url(), '--timeout', String(TIMEOUT_MS)], { env: env() });
    expect(run.code).toBe(3);
    expect(run.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    expect(run.forcedExit).toBe(false);
    expect(run.stdout).toMatch(/^plain\.test\s+\? Could not check/m);
    expect(run.stderr).toMatch(/^intransit: no resolver reachable: check the network or --resolver$/m);
  });

  it('a policy host that accepts TCP but never completes TLS: the check ends within --timeout', async () => {
    const run = await runCli(['check', 'stall.test', '--json', '--resolver', doh.url, '--timeout', String(TIMEOUT_MS)], { env: env() });
    expect(run.code).not.toBeNull();
    expect(run.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    expect(run.forcedExit).toBe(false);
    const [assessment] = JSON.parse(run.stdout) as { level: string; evidence: { mtaSts: { policy: string } } }[];
    expect(assessment?.level).not.toBe('protected');
    expect(assessment?.evidence.mtaSts.policy).toBe('fetch-failed');
  });
});

// Control characters (C0, DEL, C1) and Unicode format characters (bidi controls, LRM/RLM …).
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;

describe('intransit check prints network text with control characters escaped', () => {
  it('a resolver\'s own text (a content type with a C1 control) is escaped in the table and on stderr', async () => {
    const run = await runCli(['check', 'plain.test', '--resolver', c1TypeUrl, '--timeout', String(TIMEOUT_MS)], { env: env() });
    expect(run.code).toBe(3);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stderr).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain('application/\\x9b2jdns');
    expect(run.stderr).toContain('application/\\x9b2jdns');
  });

  it('hostile DNS names, TXT records and policy lines: --json stays valid JSON with the same values, nothing raw in the text; nor in the table', async () => {
    const table = await runCli(['check', 'hostile.test', '--resolver', doh.url, '--timeout', String(TIMEOUT_MS)], { env: env() });
    expect(table.stdout).toMatch(/^hostile\.test\s/m);
    expect(table.stdout + table.stderr).not.toMatch(RAW_CONTROL);
    const run = await runCli(['check', 'hostile.test', '--json', '--resolver', doh.url, '--timeout', String(TIMEOUT_MS)], { env: env() });
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    const text = JSON.stringify(JSON.parse(run.stdout));
    // The parsed values still hold the network's text as it was.
    expect(text).toMatch(/\\u001b|\u202e|\u2066/);
  });
});
