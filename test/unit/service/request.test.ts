// The body of POST /v1/assess (src/service/request.ts over src/shared/lookup-api.ts).
import { describe, expect, it } from 'vitest';
import { parseAssessBody } from '../../../src/service/request.ts';

const code = (json: unknown, max?: number) => {
  const r = parseAssessBody(json, max);
  return r.ok ? 'ok' : r.code;
};

describe('assess request body', () => {
  it('domains, an optional sender (null = unknown) and an optional fresh', () => {
    expect(parseAssessBody({ domains: ['example.com', 'bücher.example'] })).toEqual({ ok: true, body: { domains: ['example.com', 'bücher.example'], sender: undefined, fresh: false } });
    expect(parseAssessBody({ domains: ['a.example'], sender: null })).toMatchObject({ ok: true, body: { sender: undefined } });
    expect(parseAssessBody({ domains: ['a.example'], sender: { mtaSts: true, dane: false }, fresh: true })).toMatchObject({ ok: true, body: { sender: { mtaSts: true, dane: false }, fresh: true } });
  });

  it('ignores fields it does not know (v1 grows by adding fields)', () => {
    expect(parseAssessBody({ domains: ['a.example'], probe: 'cached', future: { x: 1 } })).toEqual({ ok: true, body: { domains: ['a.example'], sender: undefined, fresh: false } });
  });

  it('refuses any entry with "@" as address-not-accepted, before any other complaint', () => {
    expect(code({ domains: ['alice@example.com'] })).toBe('address-not-accepted');
    expect(code({ domains: ['example.com', '@example.org'] })).toBe('address-not-accepted');
    expect(code({ domains: [...Array(150).fill('a.example'), 'x@y.example'], sender: 'gmail' })).toBe('address-not-accepted');
  });

  it('caps the count: 100 by default, lower when configured', () => {
    expect(code({ domains: Array.from({ length: 100 }, (_, i) => `d${i}.example`) })).toBe('ok');
    expect(code({ domains: Array.from({ length: 101 }, (_, i) => `d${i}.example`) })).toBe('too-many-domains');
    expect(code({ domains: ['a.example', 'b.example', 'c.example'] }, 2)).toBe('too-many-domains');
  });

  it.each([
    [{ domains: ['a.example'], sender: 'gmail' }, 'bad-sender'],
    [{ domains: ['a.example'], sender: { mtaSts: 'yes', dane: false } }, 'bad-sender'],
    [{ domains: ['a.example'], sender: { mtaSts: true } }, 'bad-sender'],
    [[], 'bad-request'],
    ['a.example', 'bad-request'],
    [null, 'bad-request'],
    [{}, 'bad-request'],
    [{ domains: [] }, 'bad-request'],
    [{ domains: 'a.example' }, 'bad-request'],
    [{ domains: [1, 2] }, 'bad-request'],
    [{ domains: ['x'.repeat(321)] }, 'bad-request'],
    [{ domains: ['a.example'], fresh: 'yes' }, 'bad-request'],
  ])('%j -> %s', (json, expected) => {
    expect(code(json)).toBe(expected);
  });
});
