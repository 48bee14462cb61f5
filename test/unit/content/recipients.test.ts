import { describe, expect, it } from 'vitest';
import { cleanAddress, MAX_ADDRESS_LENGTH, splitPending } from '../../../src/content/recipients.ts';

describe('cleanAddress', () => {
  it('keeps plain addresses as found, trimmed', () => {
    expect(cleanAddress('  Jane.Doe@Example.com ')).toBe('Jane.Doe@Example.com');
  });
  it('takes the address out of "Name <addr>" and mailto:', () => {
    expect(cleanAddress('Jane Doe <jane@example.com>')).toBe('jane@example.com');
    expect(cleanAddress('mailto:jane@example.com')).toBe('jane@example.com');
  });
  it('accepts an address literal (the background reports it as unknown)', () => {
    expect(cleanAddress('user@[192.0.2.1]')).toBe('user@[192.0.2.1]');
  });
  it('rejects things that are not addresses', () => {
    for (const s of ['not-an-email', 'Jane Doe', 'jane@', '@example.com', 'jane@example', 'a@b@c.com', 'jane@example.', '']) {
      expect(cleanAddress(s), s).toBeNull();
    }
  });
  it('rejects addresses longer than the cap', () => {
    const long = `${'a'.repeat(MAX_ADDRESS_LENGTH)}@example.com`;
    expect(cleanAddress(long)).toBeNull();
  });
});

describe('splitPending', () => {
  it('splits a paste of three addresses on commas, semicolons and spaces', () => {
    expect(splitPending('a@x.test, b@y.test; c@z.test')).toEqual(['a@x.test', 'b@y.test', 'c@z.test']);
  });
  it('keeps only the tokens that look like addresses', () => {
    expect(splitPending('Jane Doe <jane@example.com>, bob')).toEqual(['jane@example.com']);
    expect(splitPending('jan')).toEqual([]);
  });
});
