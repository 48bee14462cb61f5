import { describe, expect, it } from 'vitest';
import { normalizeName } from '../../../src/core/dns/index.ts';

describe('normalizeName (RFC 1035 s2.3.4)', () => {
  it.each([
    ['Example.COM', 'example.com'],
    ['example.com.', 'example.com'],
    ['_mta-sts.Example.com', '_mta-sts.example.com'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    [`${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`],
  ])('accepts %s as %s', (input, expected) => {
    expect(normalizeName(input)).toEqual({ ok: true, name: expected });
  });

  it.each([
    ['', 'empty'],
    ['.', 'root'],
    ['.example.com', 'leading empty label'],
    ['example..com', 'empty label'],
    ['example.com..', 'two trailing dots'],
    [`${'a'.repeat(64)}.example`, 'label over 63'],
    [`${'abcdefghi.'.repeat(25)}example`, 'name over 253'],
    ['bücher.example', 'non-ASCII'],
    ['exa mple.com', 'space'],
    ['example.com\n', 'control character'],
  ])('rejects %j (%s)', (input) => {
    const result = normalizeName(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/\.$/);
  });
});
