// Organisation tokens (src/service/tokens.ts).
import { describe, expect, it } from 'vitest';
import { createTokenCheck, parseTokens } from '../../../src/service/tokens.ts';

const A = 'c2VjcmV0LXRva2VuLW9uZS0xMjM0NTY3ODkw';
const B = 'next-token-for-rotation-0987654321';

describe('tokens file', () => {
  it('one token a line; blank lines and # comments are skipped; two at once for rotation', () => {
    expect(parseTokens(`# current\n${A}\n\n  ${B}  \r\n`)).toEqual({ ok: true, tokens: [A, B] });
  });

  it.each([
    ['', /holds no token/],
    ['# only a comment\n', /holds no token/],
    [`${A}\n${B}\nthird-token-xxxxxxxxxxxx\n`, /holds 3 tokens; at most 2/],
    ['short\n', /token 1 has 5 characters; use 16-256/],
    [`${A}\nhas a space inside it ok\n`, /token 2 contains spaces/],
    [`${'x'.repeat(257)}\n`, /257 characters/],
  ])('%j is refused', (text, message) => {
    const r = parseTokens(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe('token check', () => {
  const check = createTokenCheck([A, B]);

  it('accepts either token during a rotation, with a short id that is not the token', () => {
    const a = check.verify(`Bearer ${A}`);
    const b = check.verify(`bearer ${B}`);
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(a.id).toMatch(/^[0-9a-f]{8}$/);
      expect(a.id).not.toBe(b.id);
      expect(A).not.toContain(a.id);
    }
  });

  it.each([undefined, '', 'Bearer', `Bearer ${A}x`, `Bearer ${A.slice(0, -1)}`, `Basic ${A}`, A, `Bearer  ${B} extra`, `Bearer ${A}\u0000`])('refuses %j', (header) => {
    expect(check.verify(header)).toEqual({ ok: false });
  });
});
