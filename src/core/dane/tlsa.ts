// Which TLSA records a DANE SMTP client can use (RFC 7672 s3.1; RFC 6698 s2.1).

import type { TlsaRecord } from '../types.ts';

/** RFC 7218 mnemonics, for messages. */
export const TLSA_USAGE_NAMES: Readonly<Record<number, string>> = {
  0: 'PKIX-TA',
  1: 'PKIX-EE',
  2: 'DANE-TA',
  3: 'DANE-EE',
};

/** Hex characters of the digest for each matching type (RFC 6698 s2.1.3). */
const DIGEST_HEX_LENGTH: Readonly<Record<number, number>> = {
  1: 64, // SHA2-256: 32 bytes
  2: 128, // SHA2-512: 64 bytes
};

const HEX = /^(?:[0-9a-f]{2})+$/;

/**
 * A record is usable by a DANE SMTP client when:
 * - usage is DANE-TA(2) or DANE-EE(3). PKIX-TA(0) and PKIX-EE(1) are unusable for SMTP: RFC 7672
 *   s3.1.3 says SMTP clients SHOULD NOT use them (an MX has no agreed set of CAs);
 * - selector is Cert(0) or SPKI(1);
 * - matching type is Full(0), SHA2-256(1) or SHA2-512(2), with data of the right length, and
 *   for Full(0) data that at least looks like one DER SEQUENCE (a certificate or SPKI).
 * Unknown parameter values are unusable (RFC 6698 s4.1; mox `filterUsableTLSARecords`).
 */
export function isUsableTlsa(record: TlsaRecord): boolean {
  if (typeof record !== 'object' || record === null) return false;
  if (record.usage !== 2 && record.usage !== 3) return false;
  if (record.selector !== 0 && record.selector !== 1) return false;
  const data = typeof record.data === 'string' ? record.data.toLowerCase() : '';
  if (!HEX.test(data)) return false;
  if (record.matchingType === 0) return isDerSequence(data);
  const expected = DIGEST_HEX_LENGTH[record.matchingType];
  return expected !== undefined && data.length === expected;
}

/**
 * True when `hex` is exactly one DER SEQUENCE (tag 0x30) whose length field matches the data.
 * Enough to reject garbage and truncation; the certificate itself is never validated here
 * (a browser cannot connect to port 25 to compare it anyway).
 */
function isDerSequence(hex: string): boolean {
  const byte = (index: number): number => Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  const total = hex.length / 2;
  if (total < 2 || byte(0) !== 0x30) return false;
  const first = byte(1);
  let length: number;
  let header: number;
  if (first < 0x80) {
    length = first;
    header = 2;
  } else {
    const octets = first & 0x7f;
    // DER: long form only for lengths >= 128, at most 4 length octets, no leading zero octet.
    if (octets === 0 || octets > 4 || total < 2 + octets || byte(2) === 0) return false;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + byte(2 + i);
    if (length < 0x80) return false;
    header = 2 + octets;
  }
  return header + length === total;
}
