// The CLI's side of the lookup service: `intransit serve` as a lazily loaded command, and the
// options of `intransit check --service URL [--token T]`.
import { describe, expect, it } from 'vitest';
import { parseCheckArgs } from '../../../src/cli/check/args.ts';
import { COMMANDS } from '../../../src/cli/commands.ts';
import { UsageError } from '../../../src/cli/io.ts';
import { main, type Io } from '../../../src/cli/main.ts';
import { CONFIG_OPTIONS, MAX_DOMAINS as OPTIONS_MAX_DOMAINS } from '../../../src/service/options.ts';
import { MAX_DOMAINS } from '../../../src/shared/lookup-api.ts';

function fakeIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), readStdin: async () => '', env: {} };
}

describe('intransit serve (CLI entry)', () => {
  it('is a command whose --help lists every option and variable without loading the service', async () => {
    expect(COMMANDS.map((c) => c.name)).toContain('serve');
    const io = fakeIo();
    expect(await main(['serve', '--help'], io)).toBe(0);
    for (const option of CONFIG_OPTIONS) {
      expect(io.stdout[0]).toContain(option.flag);
      expect(io.stdout[0]).toContain(option.env);
    }
  });

  it('a bad option is one line on stderr and exit 2, before anything listens', async () => {
    const io = fakeIo();
    expect(await main(['serve', '--listen', '0.0.0.0:8460'], io)).toBe(2);
    expect(io.stderr).toEqual(['intransit serve: listening on 0.0.0.0 (beyond loopback) needs --tokens-file: an organisation token is required whenever the service is reachable from other machines']);
    expect(io.stdout).toEqual([]);
  });

  it('the options table and the API agree on the domain cap', () => {
    expect(OPTIONS_MAX_DOMAINS).toBe(MAX_DOMAINS);
  });
});

describe('intransit check --service', () => {
  it('takes the service URL and a token (flag, or INTRANSIT_TOKEN)', () => {
    expect(parseCheckArgs(['a@example.com', '--service', 'https://intransit.example.org/', '--token', 'org-token-123'], {})).toMatchObject({
      service: 'https://intransit.example.org', token: 'org-token-123',
    });
    expect(parseCheckArgs(['example.com', '--service=http://127.0.0.1:8460'], { INTRANSIT_TOKEN: 'from-env-token' })).toMatchObject({
      service: 'http://127.0.0.1:8460', token: 'from-env-token',
    });
    expect(parseCheckArgs(['example.com'], { INTRANSIT_TOKEN: 'ignored-without-service' }).token).toBeUndefined();
  });

  it.each([
    [['x.example', '--service', 'http://intransit.example.org'], "--service: 'http://intransit.example.org' must be an https:// URL (http:// only for localhost)"],
    [['x.example', '--service', 'not a url'], "--service: 'not a url' is not a URL"],
    [['x.example', '--service', 'https://u:p@intransit.example.org'], "--service: 'https://u:p@intransit.example.org' must be the service's base URL, e.g. https://intransit.example.org"],
    [['x.example', '--service', 'https://intransit.example.org', '--resolver', 'https://dns.example/q'], '--resolver and --service do not go together: the lookup service uses its own resolver'],
    [['x.example', '--token', 'abc'], '--token goes with --service'],
    [['x.example', '--service', 'https://intransit.example.org', '--token', 'has space'], '--token: a token is 1-256 printable ASCII characters without spaces'],
  ])('%j is a usage error', (args, message) => {
    expect(() => parseCheckArgs(args, {})).toThrow(new UsageError(message));
  });
});
