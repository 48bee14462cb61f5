// Adversarial input shapes for the public parsers (ReDoS hunting): each builds an input of about
// `n` characters. Shared by the linearity tests and `npm run fuzz`, which reports the worst time
// of each shape at 64 KiB.
import { domainOfAddressOrDomain, normalizeDomain, parseRecipient } from '../../../src/core/address.ts';
import { mxMatchesPattern } from '../../../src/core/mta-sts/match.ts';
import { parseMtaStsPolicy } from '../../../src/core/mta-sts/policy.ts';
import { parseMtaStsRecords } from '../../../src/core/mta-sts/record.ts';
import { splitTxtFields } from '../../../src/core/mta-sts/txt-fields.ts';
import { parseTlsRptRecords } from '../../../src/core/tls-rpt/record.ts';

export interface Shape {
  name: string;
  run(n: number): unknown;
}

const sp = (n: number) => ' '.repeat(Math.max(0, n));
const rep = (unit: string, n: number) => unit.repeat(Math.max(1, Math.floor(n / unit.length)));

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
];
