import { describe, expect, it } from 'vitest';
import { connectAuthority, noProxyMatcher, parseProxyUrl, proxyRouter } from '../../../src/node/proxy.ts';

const target = (hostname: string, port = 443, address?: string) => (address === undefined ? { hostname, port } : { hostname, port, address });

describe('noProxyMatcher (curl semantics)', () => {
  it('a name matches itself and every name below it; a leading dot or *. changes nothing', () => {
    for (const list of ['example.com', '.example.com', '*.example.com', 'EXAMPLE.COM.']) {
      const direct = noProxyMatcher(list);
      expect(direct(target('example.com')), list).toBe(true);
      expect(direct(target('mta-sts.Example.com')), list).toBe(true);
      expect(direct(target('badexample.com')), list).toBe(false);
      expect(direct(target('example.com.evil')), list).toBe(false);
    }
  });

  it('* alone matches everything; an empty list nothing', () => {
    expect(noProxyMatcher('*')(target('anything.example'))).toBe(true);
    expect(noProxyMatcher('a.example, *')(target('b.example'))).toBe(true);
    expect(noProxyMatcher('')(target('a.example'))).toBe(false);
    expect(noProxyMatcher(undefined)(target('a.example'))).toBe(false);
  });

  it('IP addresses and CIDR blocks match an IP-literal host or the dialled address', () => {
    const direct = noProxyMatcher('10.0.0.0/8 192.0.2.7, fd00::/8,[::1]');
    expect(direct(target('10.1.2.3'))).toBe(true);
    expect(direct(target('mta-sts.example.com', 443, '10.9.9.9'))).toBe(true);
    expect(direct(target('mta-sts.example.com', 443, '192.0.2.8'))).toBe(false);
    expect(direct(target('192.0.2.7'))).toBe(true);
    expect(direct(target('[fd12::1]'))).toBe(true);
    expect(direct(target('::1'))).toBe(true);
    expect(direct(target('11.0.0.1'))).toBe(false);
  });

  it('host:port limits an entry to that port', () => {
    const direct = noProxyMatcher('example.com:8443,[2001:db8::1]:443');
    expect(direct(target('example.com', 8443))).toBe(true);
    expect(direct(target('example.com', 443))).toBe(false);
    expect(direct(target('2001:db8::1', 443))).toBe(true);
    expect(direct(target('2001:db8::1', 80))).toBe(false);
  });

  it('ignores entries it cannot read instead of matching by accident', () => {
    const direct = noProxyMatcher('10.0.0.0/99, /8, ., *.');
    expect(direct(target('10.0.0.1'))).toBe(false);
    expect(direct(target('example.com'))).toBe(false);
  });
});

describe('proxyRouter and parseProxyUrl', () => {
  it('routes through the proxy except for NO_PROXY matches', () => {
    const route = proxyRouter({ url: 'proxy.corp:3128', noProxy: 'internal.corp' });
    expect(route(target('dns.google'))?.href).toBe('http://proxy.corp:3128/');
    expect(route(target('mx.internal.corp'))).toBeNull();
  });

  it('accepts http:// (and a bare host:port), refuses other schemes, paths and garbage', () => {
    expect(parseProxyUrl('http://user:pw@proxy:8080/').host).toBe('proxy:8080');
    expect(() => parseProxyUrl('https://proxy:443')).toThrow(/only http:\/\/ proxies/);
    expect(() => parseProxyUrl('http://proxy/x')).toThrow(/no path/);
    expect(() => parseProxyUrl('http://[bad')).toThrow(/not a proxy URL/);
  });

  it('connectAuthority brackets IPv6', () => {
    expect(connectAuthority('2001:db8::1', 443)).toBe('[2001:db8::1]:443');
    expect(connectAuthority('[2001:db8::1]', 443)).toBe('[2001:db8::1]:443');
    expect(connectAuthority('192.0.2.1', 443)).toBe('192.0.2.1:443');
    expect(connectAuthority('mta-sts.example.com', 443)).toBe('mta-sts.example.com:443');
  });
});
