// Every vector of the four shared files (copied into test/vectors/ from the shared notes).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMtaStsRecords } from '../../../src/core/mta-sts/record.ts';
import { parseMtaStsPolicy } from '../../../src/core/mta-sts/policy.ts';
import { mxMatchesPattern } from '../../../src/core/mta-sts/match.ts';
import { parseTlsRptRecords } from '../../../src/core/tls-rpt/record.ts';

interface TxtVector {
  kind: 'record' | 'rrset';
  name?: string;
  input: string | string[] | (string | string[])[];
  valid: boolean;
  id?: string;
  rua?: string[];
  note: string;
}
interface PolicyVector {
  input: string;
  valid: boolean;
  mode?: string;
  mx?: string[];
  max_age?: number;
  note: string;
}
interface MatchVector {
  pattern: string;
  host: string;
  match: boolean;
  note: string;
}

function load<T>(file: string): T[] {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../../vectors/${file}`, import.meta.url)), 'utf8')) as T[];
}

/** A `record` vector is one TXT RR; an `rrset` vector is the whole answer. */
function asRrset(v: TxtVector): (string | string[])[] {
  return v.kind === 'record' ? [v.input as string | string[]] : (v.input as (string | string[])[]);
}

const label = (i: number, v: { note: string; name?: string }, input: unknown): string =>
  `#${i} ${v.name ?? ''} ${JSON.stringify(input)} ${v.note}`.slice(0, 160);

describe('mta-sts-txt.json', () => {
  const vectors = load<TxtVector>('mta-sts-txt.json');
  it('has the vectors', () => expect(vectors.length).toBeGreaterThanOrEqual(35));
  it.each(vectors.map((v, i) => [label(i, v, v.input), v] as const))('%s', (_name, v) => {
    const result = parseMtaStsRecords(asRrset(v));
    expect(result.ok).toBe(v.valid);
    if (result.ok) expect(result.id).toBe(v.id);
  });
});

describe('mta-sts-policy.json', () => {
  const vectors = load<PolicyVector>('mta-sts-policy.json');
  it('has the vectors', () => expect(vectors.length).toBeGreaterThanOrEqual(43));
  it.each(vectors.map((v, i) => [label(i, v, v.input), v] as const))('%s', (_name, v) => {
    const result = parseMtaStsPolicy(v.input);
    expect(result.ok).toBe(v.valid);
    if (!result.ok) {
      expect(result.error.code).toBe('mta-sts.policy.invalid');
      return;
    }
    if (v.mode !== undefined) expect(result.policy.mode).toBe(v.mode);
    if (v.max_age !== undefined) expect(result.policy.maxAge).toBe(v.max_age);
    if (v.mx !== undefined) expect(result.policy.mx).toEqual(v.mx);
  });
});

describe('mx-match.json', () => {
  const vectors = load<MatchVector>('mx-match.json');
  it('has the vectors', () => expect(vectors.length).toBeGreaterThanOrEqual(25));
  it.each(vectors.map((v, i) => [`#${i} ${v.pattern} ~ ${v.host} ${v.note}`.slice(0, 160), v] as const))('%s', (_name, v) => {
    expect(mxMatchesPattern(v.pattern, v.host)).toBe(v.match);
  });
});

describe('tlsrpt-txt.json', () => {
  const vectors = load<TxtVector>('tlsrpt-txt.json');
  it('has the vectors', () => expect(vectors.length).toBeGreaterThanOrEqual(20));
  it.each(vectors.map((v, i) => [label(i, v, v.input), v] as const))('%s', (_name, v) => {
    const result = parseTlsRptRecords(asRrset(v));
    expect(result.ok).toBe(v.valid);
    if (result.ok && v.rua !== undefined) expect(result.rua).toEqual(v.rua);
  });
});
