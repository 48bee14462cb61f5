// Adversarial input shapes for the public parsers (ReDoS hunting): each builds an input of about
// `n` characters. Shared by the linearity tests and `npm run fuzz`, which reports the worst time
// of each shape at 64 KiB.
import { domainOfAddressOrDomain, normalizeDomain, parseRecipient } from '../../../src/core/address.ts';
import { mxMatchesPattern } from '../../../src/core/mta-sts/match.ts';
import { parseMtaStsPolicy } from '../../../src/core/mta-sts/policy.ts';
import { parseMtaStsRecords } from '../../../src/core/mta-sts/record.ts';
import { splitTxtFields } from '../../../src/core/mta-sts/txt-fields.ts';
import { parseTlsRptRecords } from '../../../src/core/tls-rpt/record.ts';
import { decodeResponse } from '../../../src/core/dns/wire.ts';
import { interpretMx } from '../../../src/core/mx.ts';
import type { DnsResult } from '../../../src/core/types.ts';

export interface Shape {
  name: string;
  run(n: number): unknown;
}

const sp = (n: number) => ' '.repeat(Math.max(0, n));
const rep = (unit: string, n: number) => unit.repeat(Math.max(1, Math.floor(n / unit.length)));

/** Inputs are built once per size, so the timing is the parser's own. */
function memo<T>(build: (n: number) => T): (n: number) => T {
  const made = new Map<number, T>();
  return (n) => {
    let input = made.get(n);
    if (input === undefined) {
      input = build(n);
      made.set(n, input);
    }
    return input;
  };
}

const HEADER = (an: number, ar = 0) => [0, 0, 0x81, 0x80, 0, 1, an >> 8, an & 0xff, 0, 0, ar >> 8, ar & 0xff];
const QUESTION = [7, ...'example'.split('').map((c) => c.charCodeAt(0)), 3, 99, 111, 109, 0, 0, 1, 0, 1]; // example.com A IN
const RR_TAIL = [0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, 1]; // type A, class IN, TTL 300, 192.0.2.1

/** Many A records whose owner is a pointer to the question name (valid, decoded in full). */
const manyRecords = memo((n) => {
  const count = Math.min(65535, Math.floor(n / 16));
  const bytes = [...HEADER(count), ...QUESTION];
  for (let i = 0; i < count; i++) bytes.push(0xc0, 12, ...RR_TAIL);
  return new Uint8Array(bytes);
});

/** Owners that point at the previous owner, in chains of 100: a pointer-chasing trap. */
const pointerChains = memo((n) => {
  const count = Math.min(65535, Math.floor(n / 16));
  const bytes = [...HEADER(count), ...QUESTION];
  let previous = 12;
  for (let i = 0; i < count; i++) {
    const here = bytes.length;
    bytes.push(0xc0 | (previous >> 8), previous & 0xff, ...RR_TAIL);
    previous = i % 100 === 99 ? 12 : here;
  }
  return new Uint8Array(bytes);
});

/** One TXT record made of empty character-strings, as long as RDLENGTH allows. */
const txtStrings = memo((n) => {
  const length = Math.min(65_000, n);
  return new Uint8Array([...HEADER(1), ...QUESTION.slice(0, -4), 0, 16, 0, 1, 0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60, length >> 8, length & 0xff, ...new Array<number>(length).fill(0)]);
});

/** An OPT record stuffed with Extended DNS Error options. */
const edeOptions = memo((n) => {
  const count = Math.floor(Math.min(65_000, n) / 8);
  const options: number[] = [];
  for (let i = 0; i < count; i++) options.push(0, 15, 0, 4, 0, 6, 120, 120);
  const length = options.length;
  return new Uint8Array([...HEADER(0, 1), ...QUESTION, 0, 0, 41, 4, 208, 0, 0, 128, 0, length >> 8, length & 0xff, ...options]);
});

/** Deterministic noise behind a plausible header. */
const noise = memo((n) => {
  const bytes = new Uint8Array(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  bytes.set(HEADER(200, 3));
  return bytes;
});

/** An MX answer listing as many hosts as a 64 KiB message holds. */
const mxAnswer = memo((n): DnsResult<'MX'> => ({
  name: 'example.org',
  type: 'MX',
  outcome: 'answer',
  secure: true,
  records: Array.from({ length: Math.floor(n / 22) }, (_, i) => ({ preference: i % 100, exchange: i % 7 === 0 ? `192.0.2.${i % 250}` : `mx${i}.example.org` })),
  ttl: 300,
  cnames: [],
}));

export const SHAPES: Shape[] = [
  { name: 'policy: value of spaces then a control character', run: (n) => parseMtaStsPolicy(`version: x${sp(n)}\u0001`) },
  { name: 'policy: value of spaces then text', run: (n) => parseMtaStsPolicy(`version: STSv1\nmode: enforce\nmax_age: 1\nmx: a${sp(n)}b`) },
  { name: 'policy: name then spaces and tabs', run: (n) => parseMtaStsPolicy(`abc:${rep(' \t', n)}x\r`) },
  { name: 'policy: many short lines', run: (n) => parseMtaStsPolicy(`version: STSv1\nmode: enforce\nmax_age: 1\n${rep('mx: a.b\n', n)}`) },
  { name: 'policy: blank lines of whitespace', run: (n) => parseMtaStsPolicy(rep(' \t \n', n)) },
  { name: 'policy: extension value with inner spaces', run: (n) => parseMtaStsPolicy(`ext: a${rep(' a', n)} `) },
  { name: 'record: spaces around fields', run: (n) => parseMtaStsRecords([`v=STSv1;${sp(n / 2)}id=1${sp(n / 2)}x;`]) },
  { name: 'record: trailing spaces after the last field', run: (n) => parseMtaStsRecords([`v=STSv1; id=1;${sp(n)}x`]) },
  { name: 'record: many delimiters', run: (n) => parseMtaStsRecords([`v=STSv1${rep(' ; a=b', n)}`]) },
  { name: 'record: many records', run: (n) => parseMtaStsRecords(Array.from({ length: Math.max(1, n / 16) }, () => 'v  =  sts x')) },
  { name: 'record: spaces before the first ";"', run: (n) => parseMtaStsRecords([`v=STSv1${sp(n)}`]) },
  { name: 'tls-rpt: rua then spaces', run: (n) => parseTlsRptRecords([`v=TLSRPTv1; rua=mailto:a@b.example${sp(n)}x`]) },
  { name: 'tls-rpt: spaces around fields', run: (n) => parseTlsRptRecords([`v=TLSRPTv1;${sp(n / 2)}rua=x${sp(n / 2)}x;`]) },
  { name: 'tls-rpt: many commas', run: (n) => parseTlsRptRecords([`v=TLSRPTv1; rua=${rep('mailto:a@b , ', n)}`]) },
  { name: 'tls-rpt: percent runs in a URI', run: (n) => parseTlsRptRecords([`v=TLSRPTv1; rua=https://a/${rep('%4', n)}`]) },
  { name: 'txt-fields: spaces between delimiters', run: (n) => splitTxtFields(`v=X;${rep(' ;', n)}`, 'v=X') },
  { name: 'match: long pattern and host', run: (n) => mxMatchesPattern(`*.${rep('a-', n / 2)}a.com`, `x.${rep('a-', n / 2)}a.com`) },
  { name: 'match: long U-label host', run: (n) => mxMatchesPattern('*.example.com', `${rep('ü', n)}.example.com`) },
  { name: 'address: long recipient', run: (n) => parseRecipient(`"${rep('a\\"', n)}"@example.com`) },
  { name: 'address: long domain', run: (n) => normalizeDomain(rep('a.', n)) },
  { name: 'address: angle brackets', run: (n) => domainOfAddressOrDomain(`${rep('<"a', n)}@x.com>`) },
  { name: 'wire: many records with compressed owners', run: (n) => decodeResponse(manyRecords(n)) },
  { name: 'wire: owners pointing at owners', run: (n) => decodeResponse(pointerChains(n)) },
  { name: 'wire: one TXT of empty strings', run: (n) => decodeResponse(txtStrings(n)) },
  { name: 'wire: OPT full of EDE options', run: (n) => decodeResponse(edeOptions(n)) },
  { name: 'wire: noise behind a header', run: (n) => decodeResponse(noise(n)) },
  { name: 'mx: thousands of targets', run: (n) => interpretMx(mxAnswer(n), 'example.org') },
];
