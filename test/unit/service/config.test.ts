// The configuration schema of `intransit serve` (src/service/config.ts): defaults, flags, the
// INTRANSIT_* variables, which wins, and the refusals with one plain sentence each.
import { describe, expect, it } from 'vitest';
import { CONFIG_OPTIONS, ConfigError, describeConfig, parseConfig, SERVE_USAGE, unknownEnvironment } from '../../../src/service/config.ts';

describe('serve config: defaults', () => {
  it('one command with embedded defaults: loopback 8460, default DoH resolvers, memory cache, no auth', () => {
    expect(parseConfig([], {})).toEqual({
      listen: { host: '127.0.0.1', port: 8460 },
      resolvers: ['https://cloudflare-dns.com/dns-query', 'https://dns.google/dns-query'],
      redis: null,
      tokensFile: null,
      allowOrigins: [],
      allowEgress: [],
      denyEgress: [],
      refuseDomains: [],
      allowSpecialUseNames: false,
      name: null,
      maxDomains: 100,
      rateLimit: 120,
      trustProxy: [],
      timeoutMs: 5000,
      logDomains: false,
      tls: null,
    });
  });

  it('special-use names are refused unless the switch is set explicitly', () => {
    expect(parseConfig([], {}).allowSpecialUseNames).toBe(false);
    expect(parseConfig(['--allow-special-use-names'], {}).allowSpecialUseNames).toBe(true);
  });
});

describe('serve config: flags and environment', () => {
  it('every option has a flag and an INTRANSIT_* variable, each unique', () => {
    const flags = CONFIG_OPTIONS.map((o) => o.flag);
    const envs = CONFIG_OPTIONS.map((o) => o.env);
    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(envs).size).toBe(envs.length);
    for (const o of CONFIG_OPTIONS) {
      expect(o.env).toMatch(/^INTRANSIT_[A-Z_]+$/);
      expect(SERVE_USAGE).toContain(o.flag);
      expect(SERVE_USAGE).toContain(o.env);
    }
  });

  it('takes a dns:// resolver on loopback (classic DNS to a local validating resolver)', () => {
    expect(parseConfig(['--resolver', 'dns://127.0.0.1', '--resolver', 'dns://[::1]:5353'], {}).resolvers).toEqual(['dns://127.0.0.1', 'dns://[::1]:5353']);
  });

  it('reads flags in both spellings; list flags repeat', () => {
    const c = parseConfig(['--listen', '[::1]:9000', '--resolver=https://dns.example.org/dns-query', '--resolver', 'https://b.example/q',
      '--allow-origin', 'chrome-extension://abcdefghijklmnopabcdefghijklmnop', '--allow-egress', '127.0.0.80/32', '--deny-egress=203.0.113.0/24',
      '--refuse-domain', 'Corp.Example.COM', '--refuse-domain', '*.lab.example', '--name', '  Example Org ', '--max-domains', '20',
      '--rate-limit', '0', '--trust-proxy', '10.0.0.0/8', '--timeout', '1500', '--log-domains', '--redis', 'unix:///run/redis.sock'], {});
    expect(c).toMatchObject({
      listen: { host: '::1', port: 9000 },
      resolvers: ['https://dns.example.org/dns-query', 'https://b.example/q'],
      allowOrigins: ['chrome-extension://abcdefghijklmnopabcdefghijklmnop'],
      allowEgress: ['127.0.0.80/32'],
      denyEgress: ['203.0.113.0/24'],
      refuseDomains: ['corp.example.com', 'lab.example'],
      name: 'Example Org',
      maxDomains: 20,
      rateLimit: null,
      trustProxy: ['10.0.0.0/8'],
      timeoutMs: 1500,
      logDomains: true,
      redis: 'unix:///run/redis.sock',
    });
  });

  it('reads INTRANSIT_* variables (lists split on commas or spaces), and a flag wins over its variable', () => {
    const env = {
      INTRANSIT_LISTEN: '127.0.0.5:8000',
      INTRANSIT_RESOLVERS: 'https://a.example/dns-query, https://b.example/dns-query',
      INTRANSIT_ALLOW_EGRESS: '127.0.0.80/32 127.0.0.81/32',
      INTRANSIT_LOG_DOMAINS: 'true',
      INTRANSIT_ALLOW_SPECIAL_USE_NAMES: '1',
      INTRANSIT_REDIS_URL: 'redis://:secret@cache.internal:6379',
      INTRANSIT_NAME: 'From Env',
    };
    expect(parseConfig([], env)).toMatchObject({
      listen: { host: '127.0.0.5', port: 8000 },
      resolvers: ['https://a.example/dns-query', 'https://b.example/dns-query'],
      allowEgress: ['127.0.0.80/32', '127.0.0.81/32'],
      logDomains: true,
      allowSpecialUseNames: true,
      redis: 'redis://:secret@cache.internal:6379',
      name: 'From Env',
    });
    const c = parseConfig(['--name', 'From Flag', '--resolver', 'https://c.example/q', '--log-domains=false'], env);
    expect(c.name).toBe('From Flag');
    expect(c.resolvers).toEqual(['https://c.example/q']);
    expect(c.logDomains).toBe(false);
  });

  it('names INTRANSIT_* variables it does not know (typos), but not the CLI\'s and the build\'s', () => {
    expect(unknownEnvironment({ INTRANSIT_TOKENS_FIEL: 'x', INTRANSIT_TOKEN: 't', INTRANSIT_BROWSER: 'firefox', INTRANSIT_LISTEN: 'x', PATH: '/bin' })).toEqual(['INTRANSIT_TOKENS_FIEL']);
  });

  it('logs nothing secret: no Redis password, no tokens', () => {
    const described = describeConfig(parseConfig(['--redis', 'rediss://user:hunter2@cache.example:6380/0', '--tokens-file', '/run/secrets/t'], {}));
    expect(JSON.stringify(described)).not.toContain('hunter2');
    expect(described).toMatchObject({ redis: 'rediss://user:REDACTED@cache.example:6380/0', auth: 'token', cache: 'redis', listen: '127.0.0.1:8460' });
  });
});

describe('serve config: refusals', () => {
  const fails = (argv: string[], message: RegExp, env: Record<string, string> = {}) => {
    expect(() => parseConfig(argv, env)).toThrow(ConfigError);
    expect(() => parseConfig(argv, env)).toThrow(message);
  };

  it('listening beyond loopback needs a tokens file', () => {
    fails(['--listen', '0.0.0.0:8460'], /beyond loopback\) needs --tokens-file/);
    fails(['--listen', '[::]:8460'], /needs --tokens-file/);
    fails([], /needs --tokens-file/, { INTRANSIT_LISTEN: '192.0.2.10:8460' });
    expect(parseConfig(['--listen', '0.0.0.0:8460', '--tokens-file', '/etc/intransit/tokens'], {}).tokensFile).toBe('/etc/intransit/tokens');
    expect(parseConfig(['--listen', '127.0.0.9:0'], {}).listen).toEqual({ host: '127.0.0.9', port: 0 });
  });

  it.each([
    [['--listen', 'localhost:8460'], /--listen: 'localhost:8460' is not IP:PORT/],
    [['--listen', '127.0.0.1'], /is not IP:PORT/],
    [['--listen', '127.0.0.1:70000'], /is not IP:PORT/],
    [['--listen', '::1:8460'], /is not IP:PORT/],
    [['--resolver', 'http://dns.example/dns-query'], /must be an https:\/\/ URL/],
    [['--resolver', 'dns://192.0.2.53'], /not on loopback: classic DNS is unauthenticated on the wire/],
    [['--resolver', 'dns://localhost'], /must be an IP address/],
    [['--resolver', 'https://user:pw@dns.example/dns-query'], /must be an https:\/\/ URL/],
    [['--redis', 'http://cache:6379'], /--redis: .* must be redis:\/\//],
    [['--allow-origin', 'https://example.org/'], /is not an origin/],
    [['--allow-origin', 'null'], /is not an origin/],
    [['--allow-origin', 'http://example.org'], /is not an origin/],
    [['--allow-egress', '10.0.0.0/33'], /--allow-egress: '10.0.0.0\/33' is not an address or CIDR/],
    [['--deny-egress', 'internal'], /--deny-egress/],
    [['--trust-proxy', '10/8'], /--trust-proxy/],
    [['--refuse-domain', 'not a domain'], /--refuse-domain: 'not a domain' is not a domain/],
    [['--max-domains', '101'], /--max-domains: '101' is not a whole number from 1 to 100/],
    [['--max-domains', '0'], /from 1 to 100/],
    [['--rate-limit', '-1'], /--rate-limit/],
    [['--timeout', '50'], /--timeout: '50' is not a whole number from 100/],
    [['--name', ''], /--name: 1-100 printable characters/],
    [['--tls-cert', 'a.pem'], /--tls-cert and --tls-key go together/],
    [['--frobnicate'], /unknown option '--frobnicate' for serve/],
    [['example.com'], /serve takes no arguments/],
    [['--listen'], /--listen needs a value/],
    [['--listen', '127.0.0.1:1', '--listen', '127.0.0.1:2'], /--listen was given twice/],
    [['--log-domains=maybe'], /--log-domains: 'maybe' is not true or false/],
  ])('%j is refused', (argv, message) => fails(argv, message));

  it('a bad variable is refused with its name', () => {
    fails([], /INTRANSIT_LOG_DOMAINS: 'sometimes' is not true or false/, { INTRANSIT_LOG_DOMAINS: 'sometimes' });
    fails([], /--resolver: 'http:\/\/x' must be an https/, { INTRANSIT_RESOLVERS: 'http://x' });
  });
});
