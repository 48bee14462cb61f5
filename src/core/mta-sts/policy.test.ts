import { describe, expect, it } from 'vitest';
import { parseMtaStsPolicy } from './policy.ts';

const BASE = ['version: STSv1', 'mode: enforce', 'mx: mail.example.com', 'max_age: 86400'];
const body = (lines: string[], term = '\n'): string => lines.join(term) + term;
const parse = (text: string) => parseMtaStsPolicy(text);
const ok = (text: string): boolean => parse(text).ok;
const warningCodes = (text: string): string[] => {
  const r = parse(text);
  return r.ok ? r.warnings.map((w) => w.code) : [];
};

describe('MTA-STS policy file (RFC 8461 s3.2)', () => {
  it('RFC 8461 s3.2: lines end in LF or CRLF; a bare CR is invalid', () => {
    expect(ok(body(BASE, '\n'))).toBe(true);
    expect(ok(body(BASE, '\r\n'))).toBe(true);
    expect(ok(BASE.join('\n'))).toBe(true); // no final terminator
    expect(ok(body(BASE, '\r'))).toBe(false);
    expect(ok('version: STSv1\r\nmode: enforce\rmx: a.example\nmax_age: 1\n')).toBe(false);
    expect(ok(body(BASE, '\n\r'))).toBe(false);
  });

  it('RFC 8461 s3.2: "name:" then optional WSP; no WSP before ":" or at the line start; trailing WSP allowed', () => {
    expect(ok(body(['version:STSv1', 'mode:\t enforce \t', 'mx:mail.example.com  ', 'max_age:86400\t']))).toBe(true);
    expect(ok(body(['version: STSv1', 'mode : enforce', 'mx: mail.example.com', 'max_age: 86400']))).toBe(false);
    expect(ok(body(['version: STSv1', '\tmode: enforce', 'mx: mail.example.com', 'max_age: 86400']))).toBe(false);
    expect(ok(body([...BASE, 'no colon here']))).toBe(false);
  });

  it('RFC 8461 s3.2: field names and registered values are case-sensitive', () => {
    expect(ok(body(['version: STSv1', 'Mode: enforce', 'mx: mail.example.com', 'max_age: 86400']))).toBe(false);
    expect(ok(body(['version: STSv1', 'mode: Enforce', 'mx: mail.example.com', 'max_age: 86400']))).toBe(false);
    expect(ok(body(['version: stsv1', 'mode: enforce', 'mx: mail.example.com', 'max_age: 86400']))).toBe(false);
    // A case variant of a known name is an extension; it is reported.
    expect(warningCodes(body([...BASE, 'MX: other.example.com']))).toEqual(['mta-sts.policy.field-case']);
  });

  it('RFC 8461 s3.2: version is required and must be exactly STSv1', () => {
    expect(ok(body(BASE.slice(1)))).toBe(false);
    expect(ok(body(['version: STSv1 x', ...BASE.slice(1)]))).toBe(false);
    expect(ok(body(['version: STSv2', ...BASE.slice(1)]))).toBe(false);
  });

  it('RFC 8461 s3.2: mode must be testing, enforce or none, and is required', () => {
    for (const mode of ['testing', 'enforce', 'none']) {
      const r = parse(body(['version: STSv1', `mode: ${mode}`, 'mx: mail.example.com', 'max_age: 1']));
      expect(r.ok && r.policy.mode).toBe(mode);
    }
    expect(ok(body(['version: STSv1', 'mode: report', 'mx: mail.example.com', 'max_age: 1']))).toBe(false);
    expect(ok(body(['version: STSv1', 'mx: mail.example.com', 'max_age: 1']))).toBe(false);
    expect(ok(body(['version: STSv1', 'mode:', 'mx: mail.example.com', 'max_age: 1']))).toBe(false);
  });

  it('RFC 8461 s3.2: max_age is 1*10DIGIT, at most 31557600, required even for mode none', () => {
    const maxAge = (v: string) => {
      const r = parse(body(['version: STSv1', 'mode: none', `max_age: ${v}`]));
      return r.ok ? r.policy.maxAge : null;
    };
    expect(maxAge('0')).toBe(0);
    expect(maxAge('0000000001')).toBe(1);
    expect(maxAge('31557600')).toBe(31557600);
    expect(maxAge('31557601')).toBeNull();
    expect(maxAge('9999999999')).toBeNull();
    for (const bad of ['', '-1', '+1', '1e5', '0x10', '86_400', '86400.0', '86 400', '８６４００']) expect(maxAge(bad)).toBeNull();
    expect(ok(body(['version: STSv1', 'mode: none']))).toBe(false);
  });

  it('RFC 8461 s3.2: mx is required unless mode is none; invalid patterns match nothing and are kept as written', () => {
    expect(ok(body(['version: STSv1', 'mode: testing', 'max_age: 1']))).toBe(false);
    expect(ok(body(['version: STSv1', 'mode: none', 'max_age: 1']))).toBe(true);
    const r = parse(body([...BASE, 'mx: mail.example.com.', 'mx: 192.0.2.1', 'mx: mx_1.example.com', 'mx: bücher.example', 'mx: *.*.example']));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.policy.mx).toEqual(['mail.example.com', 'mail.example.com.', '192.0.2.1', 'mx_1.example.com', 'bücher.example', '*.*.example']);
      expect(r.warnings.map((w) => w.code)).toEqual(Array(5).fill('mta-sts.policy.mx-invalid'));
    }
    // enforce/testing left with no valid pattern is invalid.
    expect(ok(body(['version: STSv1', 'mode: enforce', 'mx: 127.0.0.1', 'max_age: 1']))).toBe(false);
    expect(ok(body(['version: STSv1', 'mode: testing', 'mx: mail.example.com.', 'max_age: 1']))).toBe(false);
  });

  it('RFC 8461 s3.2: extensions are grammar-checked and ignored', () => {
    expect(ok(body([...BASE, 'x-note: any text, with: colons and café']))).toBe(true);
    expect(ok(body([...BASE, 'x-note:']))).toBe(false);
    expect(ok(body([...BASE, 'x-note: a\tb']))).toBe(false);
    expect(ok(body([...BASE, 'x-note: a\u0000b']))).toBe(false);
    expect(ok(body([...BASE, '.x: 1']))).toBe(false);
    expect(ok(body([...BASE, `${'x'.repeat(33)}: 1`]))).toBe(false);
    expect(ok(body([...BASE, `${'x'.repeat(32)}: 1`]))).toBe(true);
  });

  it('RFC 8461 s3.2: a duplicated non-mx field keeps the first, even when a later value is invalid', () => {
    const r = parse(body([...BASE, 'mode: bogus', 'max_age: 5', 'version: STSv9']));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.policy.mode).toBe('enforce');
      expect(r.policy.maxAge).toBe(86400);
      expect(r.warnings.map((w) => w.code)).toEqual(Array(3).fill('mta-sts.policy.duplicate-field'));
    }
    expect(ok(body(['version: STSv1', 'mode: bogus', 'mode: enforce', 'mx: a.example', 'max_age: 1']))).toBe(false);
  });

  it('RFC 8461 s3.2: field order is free', () => {
    expect(ok(body([...BASE].reverse()))).toBe(true);
  });

  it('docs/decisions.md: blank lines and a trailing blank line are accepted with a warning', () => {
    expect(warningCodes(body(BASE) + '\n')).toEqual(['mta-sts.policy.blank-line']);
    expect(warningCodes(BASE.slice(0, 2).join('\n') + '\n\n' + BASE.slice(2).join('\n'))).toEqual(['mta-sts.policy.blank-line']);
    expect(warningCodes(body(BASE, '\r\n') + '\r\n')).toEqual(['mta-sts.policy.blank-line']);
    expect(warningCodes(body(BASE))).toEqual([]);
  });

  it('RFC 8461 s3.2: the intended grammar: mx is a field like the others', () => {
    const r = parse('mx: a.example\nversion: STSv1\nmx: b.example\nmode: testing\nmax_age: 10\nmx: a.example');
    expect(r.ok && r.policy).toEqual({ version: 'STSv1', mode: 'testing', mx: ['a.example', 'b.example', 'a.example'], maxAge: 10 });
  });

  it('UTF-8 extension values are fine; a leading BOM makes the policy invalid (docs/decisions.md)', () => {
    expect(ok(body([...BASE, 'note: ünïcødé ✓']))).toBe(true);
    const bom = parse('\uFEFF' + body(BASE));
    expect(bom.ok).toBe(false);
    if (!bom.ok) expect(bom.error.code).toBe('mta-sts.policy.bom');
    expect(ok(body(BASE) + '\uFEFF')).toBe(false); // not before the first field: a malformed line
  });

  it('RFC 8461 s3.2: peer parsing bugs are not repeated', () => {
    const url = parse(body([...BASE, 'url: https://policy.example:8443/x']));
    expect(url.ok).toBe(true);
    expect(ok(body(['version: STSv1', 'mx: mail.example.com', 'max_age: 86400']))).toBe(false); // missing mode
    expect(ok(body(['version: STSv1', 'mode: enforce', 'mx: mail.example.com', 'max_age:']))).toBe(false);
  });

  it('returns the policy in the core shape', () => {
    const r = parse(body(BASE));
    expect(r).toEqual({ ok: true, policy: { version: 'STSv1', mode: 'enforce', mx: ['mail.example.com'], maxAge: 86400 }, warnings: [] });
  });

  it('bad input gives a diagnostic, never a crash', () => {
    for (const input of ['', '\n', ':', '\u0000', 'a'.repeat(70000), 'version: STSv1\n'.repeat(5000)]) {
      const r = parse(input);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('mta-sts.policy.invalid');
        expect(r.error.message.length).toBeLessThan(300);
      }
    }
  });
});
