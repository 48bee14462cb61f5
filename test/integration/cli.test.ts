// The CLI as a user runs it: a child process, every name resolved through the local DoH
// resolver, certificates checked against the system CAs plus NODE_EXTRA_CA_CERTS.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPECTED_LEVELS, startWorld, type World } from '../support/world.ts';
import { writeTempFile } from '../support/tmp.ts';

const BIN = join(import.meta.dirname, '../../bin/intransit.mjs');
let world: World;

beforeAll(async () => {
  world = await startWorld({ loopback: 12 });
});
afterAll(async () => {
  await world?.close();
});

function run(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { ...process.env, NODE_EXTRA_CA_CERTS: world.caFile }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

describe('intransit check', () => {
  it('--json gives the right verdict for every scenario', async () => {
    const domains = Object.keys(EXPECTED_LEVELS);
    const { code, stdout } = await run(['check', ...domains.map((d) => `someone@${d}`), '--json', '--resolver', world.doh.url, '--timeout', '1500']);
    const result = JSON.parse(stdout) as { domain: string; level: string }[];
    expect(Object.fromEntries(result.map((a) => [a.domain, a.level]))).toEqual(EXPECTED_LEVELS);
    expect(code).toBe(1); // some are unverified/misconfigured/undeliverable, none unknown
  });

  it('prints a readable table and exits 0 when every domain is protected or encrypted', async () => {
    const { code, stdout } = await run(['check', 'a@enforce.test', 'dane.test', 'testing.test', `--resolver=${world.doh.url}`]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^DOMAIN\s+LEVEL\s+EVIDENCE\s+REASON$/);
    expect(lines.find((l) => l.startsWith('enforce.test'))).toMatch(/protected.*STS enforce.*MTA-STS/);
    expect(lines.find((l) => l.startsWith('testing.test'))).toMatch(/encrypted.*STS testing/);
  });

  it('--sender gmail: DANE alone is not enforced by Gmail', async () => {
    const { stdout } = await run(['check', 'dane.test', '--json', '--sender', 'gmail', '--resolver', world.doh.url]);
    expect(JSON.parse(stdout)[0]).toMatchObject({ domain: 'dane.test', level: 'encrypted', evidence: { sender: { mtaSts: true, dane: false } } });
  });

  it('a resolver that cannot be reached gives unknown and exit code 3', async () => {
    const { code, stdout } = await run(['check', 'plain.test', '--json', '--resolver', 'https://127.0.0.1:9/dns-query', '--timeout', '300']);
    expect(code).toBe(3);
    expect(JSON.parse(stdout)[0].level).toBe('unknown');
  });

  it.each([
    [['check'], /needs at least one address/],
    [['check', 'a.test', '--resolver', 'http://x.test/'], /must be an https:\/\/ URL/],
    [['check', 'a.test', '--timeout', 'soon'], /not a number of milliseconds/],
    [['check', 'a.test', '--sender', 'aol'], /not one of gmail, microsoft, yahoo, none/],
    [['check', 'a.test', '--frobnicate'], /unknown option/],
    [['bogus'], /unknown command/],
  ])('bad arguments %j get a one-line error and exit 2', async (args, message) => {
    const { code, stderr, stdout } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });
});

describe('intransit lint-policy', () => {
  it('a valid policy exits 0; warnings are listed with codes', async () => {
    const file = writeTempFile('ok.txt', 'version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 604800\n\n');
    const { code, stdout } = await run(['lint-policy', file]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^valid MTA-STS policy/);
    expect(stdout).toMatch(/warning mta-sts\.policy\.\S+:/);
  });

  it('an invalid policy from standard input exits 1 with the error code', async () => {
    const { code, stdout } = await run(['lint-policy', '-', '--json'], 'version: STSv1\nmode: enforce\nmax_age: 99999999999\n');
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.ok).toBe(false);
    expect(result.errors[0].code).toMatch(/^mta-sts\.policy\./);
  });

  it('a missing file exits 2', async () => {
    const { code, stderr } = await run(['lint-policy', '/nonexistent/policy.txt']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot be read \(ENOENT\)/);
  });
});
