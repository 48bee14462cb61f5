// The CLI as a user runs it: the built bundle in a child process (cli-run.ts), every name
// resolved through the local DoH resolver, certificates checked against the system CAs plus
// NODE_EXTRA_CA_CERTS.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPECTED_LEVELS, startWorld, type World } from '../support/world.ts';
import { writeTempFile } from '../support/tmp.ts';
import { runCli } from './cli-run.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld({ loopback: 12, classicDns: true });
});
afterAll(async () => {
  await world?.close();
});

function run(args: string[], input?: string): ReturnType<typeof runCli> {
  return runCli(args, { env: { NODE_EXTRA_CA_CERTS: world.caFile }, ...(input === undefined ? {} : { input }) });
}

describe('intransit', () => {
  it('--version prints the version of package.json, from the bundle', async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    const { code, stdout } = await run(['--version']);
    expect(code).toBe(0);
    expect(stdout).toBe(`${version}\n`);
  });

  it('with no arguments prints the help on stderr and exits 2; --help prints it on stdout, exit 0', async () => {
    const bare = await run([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^Usage:\n {2}intransit check /);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(bare.stderr);
    const one = await run(['lint-policy', '--help']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^Usage:\n {2}intransit lint-policy/);
    expect(one.stdout).not.toMatch(/intransit check/);
  });
});

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
    expect(lines.find((l) => l.startsWith('enforce.test'))).toMatch(/✓ Protected.*STS enforce.*MTA-STS/);
    expect(lines.find((l) => l.startsWith('testing.test'))).toMatch(/encrypted.*STS testing/);
  });

  it('never loads Node\'s fetch classes (undici: ~18 ms of CPU at start), over DoH or classic DNS, policy fetch included', async () => {
    // Node lists the internal modules it has loaded; the hook prints whether undici is among them.
    const hook = "process.on('exit',()=>process.stderr.write('undici loaded: '+process.moduleLoadList.some((m)=>m.includes('undici'))+'\\n'))";
    for (const resolver of [world.doh.url, world.doh.classicUrl as string]) {
      const { code, stdout, stderr } = await runCli(['check', 'enforce.test', '--resolver', resolver], {
        env: { NODE_EXTRA_CA_CERTS: world.caFile, NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(hook)}` },
      });
      expect(code).toBe(0);
      expect(stdout).toMatch(/enforce\.test\s+✓ Protected.*STS enforce/);
      expect(stderr).toContain('undici loaded: false');
    }
  });

  it('the table stays aligned: long evidence is cut with "…", REASON starts in one column', async () => {
    const { stdout } = await run(['check', 'enforce.test', 'gateway.test', 'nxdomain.test', 'nullmx.test', `--resolver=${world.doh.url}`]);
    const [header, ...rows] = stdout.trim().split('\n') as [string, ...string[]];
    const column = header.indexOf('REASON');
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row.slice(column - 2, column)).toBe('  ');
      expect(row[column]).toMatch(/\S/);
    }
    // "MX mx1.enforce.test +1, STS enforce, TLS-RPT" is longer than the 40 columns of EVIDENCE.
    expect(rows.find((r) => r.startsWith('enforce.test'))).toContain('MX mx1.enforce.test +1, STS enforce, TL…');
  });

  it('--sender gmail: DANE alone is not enforced by Gmail', async () => {
    const { stdout } = await run(['check', 'dane.test', '--json', '--sender', 'gmail', '--resolver', world.doh.url]);
    expect(JSON.parse(stdout)[0]).toMatchObject({ domain: 'dane.test', level: 'encrypted', evidence: { sender: { mtaSts: true, dane: false } } });
  });

  it('a resolver that cannot be reached gives unknown and exit code 3, and a hint with the full error on stderr', async () => {
    const { code, stdout, stderr } = await run(['check', 'plain.test', '--json', '--resolver', 'https://127.0.0.1:9/dns-query', '--timeout', '300']);
    expect(code).toBe(3);
    expect(JSON.parse(stdout)[0].level).toBe('unknown');
    expect(stderr).toMatch(/^intransit: no resolver reachable: check the network or --resolver\nintransit: .*127\.0\.0\.1:9.*ECONNREFUSED/);
  });

  it.each([
    ['https://example.com', 'https://example.com is a URL; give an address or a domain, e.g. example.com'],
    ['http://mail.example.org/path', 'http://mail.example.org/path is a URL; give an address or a domain, e.g. mail.example.org'],
    ['mailto:bob@example.com', 'mailto:bob@example.com is a mailto: link; give the address itself, e.g. bob@example.com'],
    ['192.0.2.1', '192.0.2.1 is an IP address; give an address or a mail domain, e.g. example.com'],
    ['example.com:25', 'example.com:25 has a port; give the domain alone, e.g. example.com'],
  ])('%s is not a recipient: a clear message and exit 2', async (target, message) => {
    const { code, stderr, stdout } = await run(['check', 'enforce.test', target, '--resolver', world.doh.url]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`intransit: ${message}\n`);
  });

  it('a malformed address gets its own unknown row with the reason; the other recipients are still checked (exit 3)', async () => {
    const { code, stdout } = await run(['check', 'enforce.test', 'exa mple.com', 'bob@<b>x</b>.test', '--json', '--resolver', world.doh.url]);
    expect(code).toBe(3);
    const rows = JSON.parse(stdout) as { domain: string; level: string; reasons: { message: string }[] }[];
    expect(rows.map((r) => [r.domain, r.level])).toEqual([['enforce.test', 'protected'], ['exa mple.com', 'unknown'], ['bob@<b>x</b>.test', 'unknown']]);
    expect(rows[1]?.reasons[0]?.message).toBe('The domain may contain only letters, digits, hyphens and dots.');
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
