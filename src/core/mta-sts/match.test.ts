import { describe, expect, it } from 'vitest';
import { isValidMxPattern, mxMatchesPattern, normalizeMxHost, policyMatches } from './match.ts';
import type { MtaStsPolicy } from '../types.ts';

describe('MX pattern matching (RFC 8461 s4.1)', () => {
  it('RFC 8461 s4.1: exact names and a wildcard for the entire left-most label (the RFC examples)', () => {
    expect(mxMatchesPattern('mail.example.com', 'mail.example.com')).toBe(true);
    expect(mxMatchesPattern('*.example.com', 'mail.example.com')).toBe(true);
    expect(mxMatchesPattern('*.example.com', 'example.com')).toBe(false);
    expect(mxMatchesPattern('*.example.com', 'foo.bar.example.com')).toBe(false);
  });

  it('RFC 8461 s4.1: case-insensitive; one trailing dot on the host is removed; U-label hosts become A-labels', () => {
    expect(mxMatchesPattern('MAIL.example.COM', 'mail.EXAMPLE.com.')).toBe(true);
    expect(mxMatchesPattern('mail.example.com', 'mail.example.com..')).toBe(false);
    expect(mxMatchesPattern('mx.xn--bcher-kva.example', 'mx.bücher.example')).toBe(true);
    expect(mxMatchesPattern('*.xn--bcher-kva.example', 'MX.BÜCHER.example.')).toBe(true);
    expect(normalizeMxHost('MX.Bücher.Example.')).toBe('mx.xn--bcher-kva.example');
    expect(normalizeMxHost('[192.0.2.1]')).toBeNull();
    for (const trick of ['mx.bücher.example/x', 'a@mx.bücher.example', 'mx.bücher.example:25', 'mx.bücher.example?', 'mx bücher.example']) {
      expect(normalizeMxHost(trick), trick).toBeNull();
    }
    expect(normalizeMxHost('')).toBeNull();
  });

  it('RFC 8461 s4.1: "*.X" requires exactly one extra non-empty label', () => {
    expect(mxMatchesPattern('*.example.com', '.example.com')).toBe(false);
    expect(mxMatchesPattern('*.example.com', 'a.b.example.com')).toBe(false);
    expect(mxMatchesPattern('*.example.com', 'aexample.com')).toBe(false);
    expect(mxMatchesPattern('*.com', 'foo.com')).toBe(true);
  });

  it('RFC 8461 s4.1: invalid patterns never match', () => {
    for (const pattern of ['*', '*.', 'mx*.example.com', 'mail.*.example.com', '.example.com', 'example.com.', '192.0.2.1', '*.192.0.2.1', 'mx_1.example.com', 'bücher.example', '', '-a.example', 'a-.example', `${'a'.repeat(64)}.example`]) {
      expect(isValidMxPattern(pattern), pattern).toBe(false);
    }
    expect(mxMatchesPattern('.example.com', 'mail.example.com')).toBe(false);
    expect(mxMatchesPattern('example.com.', 'example.com')).toBe(false);
    expect(mxMatchesPattern('192.0.2.1', '192.0.2.1')).toBe(false);
    expect(mxMatchesPattern('mx_1.example.com', 'mx_1.example.com')).toBe(false);
    expect(mxMatchesPattern('*', 'localhost')).toBe(false);
    expect(isValidMxPattern('xn--mxa.example')).toBe(true);
    expect(isValidMxPattern(`${'a'.repeat(63)}.example`)).toBe(true);
  });

  it('RFC 8461 s4.1: with an implicit MX the recipient domain itself is the host to match', () => {
    expect(mxMatchesPattern('example.com', 'example.com')).toBe(true);
  });

  it('policyMatches returns the first matching pattern or null', () => {
    const policy: MtaStsPolicy = { version: 'STSv1', mode: 'enforce', mx: ['bad_.example', '*.example.net', 'mx.example.net'], maxAge: 1 };
    expect(policyMatches(policy, 'mx.example.net.')).toBe('*.example.net');
    expect(policyMatches(policy, 'bad_.example')).toBeNull();
    expect(policyMatches(policy, 'example.net')).toBeNull();
  });
});
