import { describe, expect, it } from 'vitest';
import { parseMtaStsRecords, RECORD_INVALID, RECORD_MULTIPLE, RECORD_NONE } from './record.ts';

const errorCode = (records: (string | string[])[]): string | undefined => {
  const r = parseMtaStsRecords(records);
  return r.ok ? undefined : r.error.code;
};
const idOf = (records: (string | string[])[]): string | undefined => {
  const r = parseMtaStsRecords(records);
  return r.ok ? r.id : undefined;
};

describe('MTA-STS TXT record (RFC 8461 s3.1)', () => {
  it('RFC 8461 s3.1: the character-strings of one record are concatenated without spaces', () => {
    expect(idOf([['v=STSv1;', ' id=abc']])).toBe('abc');
    expect(idOf([['v=STSv1; id=ab', 'c']])).toBe('abc');
    // A separator would only be there if the strings were joined with one.
    expect(errorCode([['v=STSv1; id=ab', ' c']])).toBe(RECORD_INVALID);
  });

  it('RFC 8461 s3.1: records that do not begin with the literal "v=STSv1;" are discarded', () => {
    expect(idOf([['v=STSv10; id=2'], ['v=STSv1; id=1']])).toBe('1');
    expect(idOf(['v=spf1 -all', 'v=STSv1; id=1'])).toBe('1');
    expect(idOf(['V=STSv1; id=2', 'v=STSv1; id=1'])).toBe('1');
  });

  it('RFC 8461 s3.1: not exactly one remaining record means no policy, with distinct codes', () => {
    expect(errorCode([])).toBe(RECORD_NONE);
    expect(errorCode(['v=spf1 -all'])).toBe(RECORD_NONE);
    expect(errorCode(['v=STSv1; id=1', 'v=STSv1; id=2'])).toBe(RECORD_MULTIPLE);
    expect(errorCode(['v=STSv1; id=1', 'v=STSv1; id=1'])).toBe(RECORD_MULTIPLE);
    // Something meant to be MTA-STS but discarded is reported as invalid, not as absent.
    expect(errorCode(['v=STSv1'])).toBe(RECORD_INVALID);
  });

  it('RFC 8461 s3.1: the record is validated against the ABNF', () => {
    expect(idOf(['v=STSv1; id=' + 'a'.repeat(32)])).toBe('a'.repeat(32));
    expect(errorCode(['v=STSv1; id=' + 'a'.repeat(33)])).toBe(RECORD_INVALID);
    expect(errorCode(['v=STSv1; id=a;;'])).toBe(RECORD_INVALID);
    expect(errorCode(['v=STSv1;; id=a'])).toBe(RECORD_INVALID);
    expect(errorCode(['v=STSv1; id=a '])).toBe(RECORD_INVALID); // trailing WSP without ";"
    expect(idOf(['v=STSv1; id=a ; '])).toBe('a');
    expect(errorCode(['v=STSv1; id=a; -x=1'])).toBe(RECORD_INVALID);
    expect(errorCode(['v=STSv1; id=a; ' + 'x'.repeat(33) + '=1'])).toBe(RECORD_INVALID);
    expect(idOf(['v=STSv1; id=a; ' + 'x'.repeat(32) + '=1'])).toBe('a');
    expect(errorCode(['v=STSv1; id=a; x=\u0001'])).toBe(RECORD_INVALID);
    expect(errorCode(['v=STSv1; id=a\tb'])).toBe(RECORD_INVALID);
    expect(errorCode(['v=STSv1; id=caf\u00e9'])).toBe(RECORD_INVALID); // US-ASCII only
  });

  it('RFC 8461 s3.1: "v=STSv1" and "id=" are case-sensitive', () => {
    expect(errorCode(['V=STSv1; id=1'])).toBe(RECORD_INVALID);
    expect(errorCode(['v=STSV1; id=1'])).toBe(RECORD_INVALID);
    expect(errorCode(['v=STSv1; ID=1'])).toBe(RECORD_INVALID);
    expect(idOf(['v=STSv1; ID=1; id=2'])).toBe('2');
  });

  it('RFC 8461 s3.1: unknown extension fields are ignored', () => {
    const r = parseMtaStsRecords(['v=STSv1; x-future=yes; id=7; rua=mailto:x@example.com']);
    expect(r).toEqual({ ok: true, id: '7', warnings: [] });
  });

  it('docs/decisions.md: a duplicated id keeps the first, with a warning', () => {
    const r = parseMtaStsRecords(['v=STSv1; id=first; id=second']);
    expect(r.ok && r.id).toBe('first');
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(['mta-sts.record.duplicate-id']);
    // A malformed first id is not rescued by a later one.
    expect(errorCode(['v=STSv1; id=bad-value; id=good'])).toBe(RECORD_INVALID);
  });

  it('RFC 8461 s3.1: the id is opaque and kept exactly as written', () => {
    expect(idOf(['v=STSv1; id=20160831085700Z'])).toBe('20160831085700Z');
    expect(idOf(['v=STSv1; id=0001'])).toBe('0001');
  });

  it('RFC 8461 erratum 6285: "v=STSv1 ;" is accepted as the only record and discarded in a multi-record set', () => {
    const single = parseMtaStsRecords(['v=STSv1  ;    id=foo']);
    expect(single.ok && single.id).toBe('foo');
    expect(single.ok && single.warnings.map((w) => w.code)).toEqual(['mta-sts.record.space-before-semicolon']);
    expect(idOf(['v=STSv1 ; id=old', 'v=STSv1; id=new'])).toBe('new');
    expect(errorCode(['v=STSv1 ; id=old', 'v=spf1 -all'])).toBe(RECORD_INVALID);
  });

  it('errors carry a plain message', () => {
    const r = parseMtaStsRecords(['v=STSv1; id=a;;']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/empty field/);
  });
});
