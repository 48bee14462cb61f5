import { describe, expect, it } from 'vitest';
import { checkTarget, DEFAULT_RESOLVERS, DEFAULT_TIMEOUT_MS, parseCheckArgs } from '../../../src/cli/check/args.ts';
import { proxyFromEnv } from '../../../src/cli/proxy-env.ts';
import { UsageError } from '../../../src/cli/io.ts';

describe('parseCheckArgs', () => {
  it('defaults: both public resolvers, a 10 s limit for the whole check, no proxy', () => {
    expect(parseCheckArgs(['a@example.com', 'example.org'], {})).toEqual({
      targets: ['a@example.com', 'example.org'],
      json: false,
      resolvers: DEFAULT_RESOLVERS,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      sender: undefined,
      proxy: undefined,
    });
  });

  it('options in both spellings', () => {
    const options = parseCheckArgs(['x.example', '--json', '--resolver', 'https://dns.example/q', '--timeout=1500', '--sender=gmail'], {});
    expect(options).toMatchObject({ json: true, resolvers: ['https://dns.example/q'], timeoutMs: 1500, sender: 'gmail' });
  });

  it('--resolver dns:// on loopback: classic DNS, port 53 by default, IPv6 in brackets', () => {
    expect(parseCheckArgs(['x.example', '--resolver', 'dns://127.0.0.1', '--resolver=dns://[::1]:5353', '--resolver', 'dns://127.0.0.53:53/'], {}).resolvers)
      .toEqual(['dns://127.0.0.1:53', 'dns://[::1]:5353', 'dns://127.0.0.53:53']);
  });

  it.each([
    ['dns://192.0.2.53', /--resolver: 'dns:\/\/192.0.2.53' is not on loopback: classic DNS is unauthenticated on the wire, so anyone on the path .* could forge .* the DNSSEC AD bit/],
    ['dns://[2001:db8::53]:53', /is not on loopback/],
    ['dns://localhost', /must be an IP address/],
    ['dns://127.0.0.1:0', /port must be 1-65535/],
    ['dns://127.0.0.1/dns-query', /an address and a port only/],
    ['http://dns.example/q', /must be an https:\/\/ URL \(DoH, RFC 8484\) or dns:\/\/127.0.0.1/],
    ['not a url', /is not a URL/],
  ])('--resolver %s is a usage error', (value, message) => {
    expect(() => parseCheckArgs(['x.example', '--resolver', value], {})).toThrow(message);
  });

  it('takes the proxy from the environment', () => {
    expect(parseCheckArgs(['x.example'], { HTTPS_PROXY: 'proxy.corp:3128', NO_PROXY: '.corp' }).proxy).toEqual({ url: new URL('http://proxy.corp:3128'), noProxy: '.corp' });
  });

  it.each([
    [['--json'], 'check needs at least one address or domain'],
    [['x.example', '--timeout', '0'], "--timeout: '0' is not a number of milliseconds (1-999999)"],
    [['x.example', '--resolver'], '--resolver needs a value'],
    [['x.example', '--bogus\u001b'], "unknown option '--bogus\\x1b' for check"],
  ])('%j is a usage error', (args, message) => {
    expect(() => parseCheckArgs(args, {})).toThrow(new UsageError(message));
  });
});

describe('checkTarget', () => {
  it.each(['alice@example.com', 'example.com', 'bücher.example', 'Bob <bob@example.com>', 'a@[192.0.2.1]', 'xn--bcher-kva.example'])('%s is passed on', (target) => {
    expect(checkTarget(target)).toBe(target);
  });

  it.each([
    ['https://example.com', 'https://example.com is a URL; give an address or a domain, e.g. example.com'],
    ['HTTPS://Mail.Example.ORG:8443/x?y', 'HTTPS://Mail.Example.ORG:8443/x?y is a URL; give an address or a domain, e.g. mail.example.org'],
    ['https://192.0.2.1/', 'https://192.0.2.1/ is a URL; give an address or a domain, e.g. example.com'],
    ['mailto:bob%2Bnews@example.com?subject=x', 'mailto:bob%2Bnews@example.com?subject=x is a mailto: link; give the address itself, e.g. bob+news@example.com'],
    ['2001:db8::1', '2001:db8::1 is an IP address; give an address or a mail domain, e.g. example.com'],
    ['[2001:db8::1]', '[2001:db8::1] is an IP address; give an address or a mail domain, e.g. example.com'],
    ['example.com:', 'example.com: has a port; give the domain alone, e.g. example.com'],
    ['example.com/mail', 'example.com/mail looks like a URL or a path; give an address or a domain, e.g. example.com'],
    ['  ', 'an empty argument is not an address or a domain'],
    ['https://\u001b[2J/', 'https://\\x1b[2J/ is a URL; give an address or a domain, e.g. example.com'],
  ])('%s is not a recipient', (target, message) => {
    expect(() => checkTarget(target)).toThrow(new UsageError(message));
  });
});

describe('proxyFromEnv', () => {
  it('reads https_proxy before HTTPS_PROXY, no_proxy before NO_PROXY, ignores empty values', () => {
    expect(proxyFromEnv({})).toBeUndefined();
    expect(proxyFromEnv({ HTTPS_PROXY: ' ' })).toBeUndefined();
    expect(proxyFromEnv({ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2', no_proxy: 'x', NO_PROXY: 'y' })).toEqual({ url: new URL('http://a:1'), noProxy: 'x' });
    expect(proxyFromEnv({ HTTPS_PROXY: 'http://b:2', NO_PROXY: 'y' })).toEqual({ url: new URL('http://b:2'), noProxy: 'y' });
  });

  it('refuses what it cannot use, without showing a password', () => {
    expect(() => proxyFromEnv({ HTTPS_PROXY: 'socks5://u:secret@h:1' })).toThrow("HTTPS_PROXY: 'socks5://…@h:1': only http:// proxies (HTTP CONNECT) are supported");
    expect(() => proxyFromEnv({ https_proxy: 'http://h:1/path' })).toThrow("https_proxy: 'http://h:1/path': a proxy URL has no path or query");
  });
});
