import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../../src/cli/main.ts';
import { COMMANDS } from '../../../src/cli/commands.ts';

function fakeIo(stdin = ''): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), readStdin: async () => stdin, env: {} };
}

describe('main', () => {
  it('no arguments: the help on stderr, exit 2', async () => {
    const io = fakeIo();
    expect(await main([], io)).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr.join('\n')).toMatch(/^Usage:/);
  });

  it('--help lists every command; <command> --help only that one', async () => {
    const io = fakeIo();
    expect(await main(['--help'], io)).toBe(0);
    for (const entry of COMMANDS) expect(io.stdout[0]).toContain(entry.synopsis);
    const one = fakeIo();
    expect(await main(['check', '--help'], one)).toBe(0);
    expect(one.stdout[0]).toContain('--timeout MS');
    expect(one.stdout[0]).not.toContain('lint-policy');
    const viaHelp = fakeIo();
    expect(await main(['help', 'lint-policy'], viaHelp)).toBe(0);
    expect(viaHelp.stdout[0]).toMatch(/^Usage:\n {2}intransit lint-policy/);
  });

  it('an unknown command is a one-line error, escaped', async () => {
    const io = fakeIo();
    expect(await main(['chec\u001bk'], io)).toBe(2);
    expect(io.stderr).toEqual(["intransit: unknown command 'chec\\x1bk' (expected check or lint-policy or serve; see --help)"]);
  });

  it('a command\'s usage error becomes exit 2 with one line', async () => {
    const io = fakeIo();
    expect(await main(['check', 'https://example.com'], io)).toBe(2);
    expect(io.stderr).toEqual(['intransit: https://example.com is a URL; give an address or a domain, e.g. example.com']);
    expect(io.stdout).toEqual([]);
  });

  it('runs a lazily loaded command (lint-policy from standard input)', async () => {
    const io = fakeIo('version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 86400\n');
    expect(await main(['lint-policy', '-'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^valid MTA-STS policy/);
  });
});
