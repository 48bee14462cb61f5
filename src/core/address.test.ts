import { describe, expect, it } from 'vitest';
import { domainOfAddressOrDomain, normalizeDomain, parseRecipient } from './address.ts';

describe('normalizeDomain', () => {
  it('RFC 1035 s2.3.4: lower-cases and strips one trailing dot', () => {
    expect(normalizeDomain(' Example.COM. ')).toEqual({ ok: true, domain: 'example.com', display: 'example.com' });
  });

  it('RFC 5891: converts U-labels to A-labels and keeps the display form', () => {
    expect(normalizeDomain('Bücher.example')).toEqual({ ok: true, domain: 'xn--bcher-kva.example', display: 'bücher.example' });
    expect(normalizeDomain('例え.テスト')).toMatchObject({ ok: true, domain: 'xn--r8jz45g.xn--zckzah' });
    // UTS-46 maps full-width letters and the ideographic full stop.
    expect(normalizeDomain('ｅｘａｍｐｌｅ。com')).toMatchObject({ ok: true, domain: 'example.com' });
  });

  it('accepts an A-label as written', () => {
    expect(normalizeDomain('xn--bcher-kva.example')).toMatchObject({ ok: true, domain: 'xn--bcher-kva.example' });
  });

  it.each([
    ['', 'address.domain-empty'],
    ['.', 'address.domain-empty'],
    ['example..com', 'address.domain-invalid'],
    ['.example.com', 'address.domain-invalid'],
    ['example.com..', 'address.domain-invalid'],
    ['localhost', 'address.domain-single-label'],
    ['a_b.example', 'address.domain-invalid'],
    ['-a.example', 'address.domain-invalid'],
    ['a-.example', 'address.domain-invalid'],
    ['example.com:25', 'address.domain-ip'],
    ['example.com/path', 'address.domain-invalid'],
    ['user@example.com', 'address.domain-invalid'],
    ['ex%41mple.com', 'address.domain-invalid'],
    ['exa mple.com', 'address.domain-invalid'],
    ['1.2.3.4', 'address.domain-ip'],
    ['0x7f.1', 'address.domain-ip'],
    ['1.2.3', 'address.domain-ip'],
    ['example.123', 'address.domain-ip'],
    ['::1', 'address.domain-ip'],
    ['[192.0.2.1]', 'address.literal'],
    ['xn--zz.com', 'address.domain-invalid'],
    [`${'a'.repeat(64)}.example`, 'address.domain-too-long'],
    [`${'abcdefghi.'.repeat(25)}example`, 'address.domain-too-long'],
    ['exa\u0000mple.com', 'address.domain-invalid'],
  ])('RFC 1035 s2.3.4: rejects %j with %s', (input, code) => {
    const result = normalizeDomain(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message.length).toBeGreaterThan(0);
    }
  });

  it('RFC 1035 s2.3.4: accepts a 63-octet label and a 253-octet name', () => {
    expect(normalizeDomain(`${'a'.repeat(63)}.example`).ok).toBe(true);
    const name = `${'abcdefghi.'.repeat(24)}abcde.example`; // 240 + 13 = 253 octets
    expect(name.length).toBe(253);
    expect(normalizeDomain(name).ok).toBe(true);
  });
});

describe('parseRecipient', () => {
  it('accepts a plain address', () => {
    expect(parseRecipient('user@Example.com')).toEqual({ ok: true, address: 'user@example.com', domain: 'example.com', display: 'example.com' });
  });

  it('accepts a display name in angle brackets and trims', () => {
    expect(parseRecipient('  Jane Doe <jane.doe@example.org>  ')).toMatchObject({ ok: true, address: 'jane.doe@example.org', domain: 'example.org' });
    expect(parseRecipient('"Doe, Jane <boss>" <jane@example.org>')).toMatchObject({ ok: true, domain: 'example.org' });
    expect(parseRecipient('<jane@example.org>')).toMatchObject({ ok: true, domain: 'example.org' });
  });

  it('RFC 5321 s4.1.2: takes the domain after the LAST @ (quoted local part)', () => {
    expect(parseRecipient('"quoted@local"@example.com')).toMatchObject({ ok: true, address: '"quoted@local"@example.com', domain: 'example.com' });
    expect(parseRecipient('"a b\\" c"@example.com')).toMatchObject({ ok: true, domain: 'example.com' });
  });

  it('RFC 5891: converts an IDN domain and keeps the local part (SMTPUTF8)', () => {
    expect(parseRecipient('josé@Bücher.example')).toEqual({ ok: true, address: 'josé@xn--bcher-kva.example', domain: 'xn--bcher-kva.example', display: 'bücher.example' });
  });

  it('RFC 8461 s3.4: address literals are not assessable, with a distinct code', () => {
    for (const input of ['user@[192.0.2.1]', 'user@[IPv6:2001:db8::1]', 'Name <user@[192.0.2.1]>']) {
      const result = parseRecipient(input);
      expect(result).toMatchObject({ ok: false, literal: true, error: { code: 'address.literal' } });
    }
  });

  it.each([
    'no-at-sign',
    '@example.com',
    'user@',
    'two words@example.com',
    'a@b@example.com',
    'user.@example.com',
    '.user@example.com',
    'us..er@example.com',
    '"unterminated@example.com',
    'user@[192.0.2.1',
    'Name user@example.com>',
    `${'a'.repeat(310)}@example.com`,
    'user\u0007@example.com',
    'user@exam\u000aple.com',
  ])('rejects malformed %j', (input) => {
    const result = parseRecipient(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toMatch(/^address\./);
  });

  it('reports a bad domain with the domain code', () => {
    expect(parseRecipient('user@localhost')).toMatchObject({ ok: false, error: { code: 'address.domain-single-label' } });
    expect(parseRecipient('user@1.2.3.4')).toMatchObject({ ok: false, error: { code: 'address.domain-ip' } });
  });

  it('never throws on hostile input', () => {
    const hostile = [
      '', ' ', '@', '@@', '<>', '<', '>', '"', '""@', '"@"@', '\\', '\u0000', '\uffff', '\ud800@example.com',
      '<<<a@b.c>>>', 'a@b.c>', '<a@b.c', '"<"@example.com', 'a@' + 'x.'.repeat(2000) + 'com',
      '\u202euser@example.com', 'user@exa\u202emple.com', 'user@%00.com', 'user@example.com\u0000',
      'a'.repeat(100_000), '<'.repeat(5000) + '>', '"'.repeat(999) + '@example.com', 'user@xn--.com',
      'user@[]', 'user@[', 'user@]', 'ß@ß.ß', '🙂@🙂.example',
    ];
    for (const input of hostile) {
      expect(() => parseRecipient(input)).not.toThrow();
      expect(() => normalizeDomain(input)).not.toThrow();
      expect(() => domainOfAddressOrDomain(input)).not.toThrow();
      const result = parseRecipient(input);
      if (!result.ok) expect(typeof result.error.code).toBe('string');
    }
    // Non-strings from an untyped caller get a defined error too.
    expect(parseRecipient(undefined as unknown as string).ok).toBe(false);
    expect(normalizeDomain(42 as unknown as string).ok).toBe(false);
  });
});

describe('domainOfAddressOrDomain', () => {
  it('takes a bare domain or an address', () => {
    expect(domainOfAddressOrDomain('Example.org')).toEqual({ ok: true, domain: 'example.org', display: 'example.org' });
    expect(domainOfAddressOrDomain('x@Bücher.example')).toEqual({ ok: true, domain: 'xn--bcher-kva.example', display: 'bücher.example' });
    expect(domainOfAddressOrDomain('Jane <jane@example.org>')).toMatchObject({ ok: true, domain: 'example.org' });
  });

  it('RFC 8461 s3.4: a bare address literal is flagged as a literal', () => {
    expect(domainOfAddressOrDomain('[192.0.2.1]')).toMatchObject({ ok: false, literal: true, error: { code: 'address.literal' } });
    expect(domainOfAddressOrDomain('u@[192.0.2.1]')).toMatchObject({ ok: false, literal: true });
  });
});
