// I5: which TLSA records a DANE SMTP client can use.

import { describe, expect, it } from 'vitest';
import { isUsableTlsa } from '../../../src/core/dane/index.ts';

const SHA256 = 'ab'.repeat(32);
const SHA512 = 'cd'.repeat(64);
// A minimal DER SEQUENCE: 30 03 02 01 05 (short form), and one with a long-form length.
const DER_SHORT = '3003020105';
const DER_LONG = `3081${'80'}${'04'.repeat(128)}`;

describe('isUsableTlsa', () => {
  it.each([
    [3, 1, 1, SHA256],
    [3, 0, 1, SHA256],
    [2, 0, 1, SHA256],
    [2, 1, 2, SHA512],
    [3, 1, 0, DER_SHORT],
    [2, 0, 0, DER_LONG],
    [3, 1, 1, SHA256.toUpperCase()],
  ])('RFC 7672 s3.1: usage %i selector %i matching %i is usable', (usage, selector, matchingType, data) => {
    expect(isUsableTlsa({ usage, selector, matchingType, data })).toBe(true);
  });

  it.each([
    ['PKIX-TA(0) is unusable for SMTP', 0, 1, 1, SHA256],
    ['PKIX-EE(1) is unusable for SMTP', 1, 1, 1, SHA256],
    ['unknown usage', 4, 1, 1, SHA256],
    ['unknown selector', 3, 2, 1, SHA256],
    ['unknown matching type', 3, 1, 3, SHA256],
    ['SHA-256 data of the wrong length', 3, 1, 1, SHA256.slice(2)],
    ['SHA-512 data of SHA-256 length', 3, 1, 2, SHA256],
    ['odd-length hex', 3, 1, 1, `${SHA256}a`],
    ['non-hex data', 3, 1, 1, 'zz'.repeat(32)],
    ['empty data', 3, 1, 1, ''],
    ['Full(0) data that is not a DER SEQUENCE', 3, 1, 0, '0403010203'],
    ['Full(0) data with a length that does not match', 3, 1, 0, '3005020105'],
    ['Full(0) data with a non-minimal long length', 3, 1, 0, '3081030201'],
  ])('RFC 7672 s3.1: %s', (_name, usage, selector, matchingType, data) => {
    expect(isUsableTlsa({ usage, selector, matchingType, data })).toBe(false);
  });
});
