import { describe, expect, it } from 'vitest';
import { discoverTlsRpt, parseTlsRptRecords, TLSRPT_INVALID, TLSRPT_MULTIPLE, TLSRPT_NONE, TLSRPT_RUA_UNUSABLE } from './record.ts';
import type { DnsOutcome, DnsResult, RecordData, Resolver, RRType } from '../types.ts';

const parse = (records: (string | string[])[]) => parseTlsRptRecords(records);
const errorCode = (records: (string | string[])[]): string | undefined => {
  const r = parse(records);
  return r.ok ? undefined : r.error.code;
};
const ruaOf = (records: (string | string[])[]): string[] | undefined => {
  const r = parse(records);
  return r.ok ? r.rua : undefined;
};

function resolverWith(outcome: DnsOutcome, records: string[][] = [], ttl = 600): Resolver & { names: string[] } {
  const names: string[] = [];
  return {
    names,
    query<T extends RRType>(name: string, type: T): Promise<DnsResult<T>> {
      names.push(`${name} ${type}`);
      return Promise.resolve({ name, type, outcome, secure: false, records: records as RecordData[T][], ttl, cnames: [] });
    },
  };
}

describe('TLS-RPT TXT record (RFC 8460 s3)', () => {
  it('RFC 8460 s3: concatenates strings, discards non-TLSRPT records, needs exactly one', () => {
    expect(ruaOf([['v=TLSRPTv1;', 'rua=mailto:r@example.com']])).toEqual(['mailto:r@example.com']);
    expect(ruaOf(['v=spf1 -all', 'v=TLSRPTv10; rua=mailto:x@example.com', 'v=TLSRPTv1; rua=mailto:r@example.com'])).toEqual(['mailto:r@example.com']);
    expect(errorCode([])).toBe(TLSRPT_NONE);
    expect(errorCode(['v=spf1 -all'])).toBe(TLSRPT_NONE);
    expect(errorCode(['v=TLSRPTv1; rua=mailto:a@example.com', 'v=TLSRPTv1; rua=mailto:b@example.com'])).toBe(TLSRPT_MULTIPLE);
    expect(errorCode(['v=TLSRPTv1'])).toBe(TLSRPT_INVALID);
  });

  it('RFC 8460 s3: strict ABNF: version first, rua required, URIs separated by *WSP "," *WSP, extensions checked', () => {
    expect(ruaOf(['v=TLSRPTv1; rua=mailto:a@example.com ,\thttps://r.example/x; ext=1;'])).toEqual(['mailto:a@example.com', 'https://r.example/x']);
    expect(errorCode(['rua=mailto:a@example.com; v=TLSRPTv1'])).toBe(TLSRPT_NONE);
    expect(errorCode(['v=tlsrptv1; rua=mailto:a@example.com'])).toBe(TLSRPT_INVALID);
    expect(errorCode(['v=TLSRPTv1; RUA=mailto:a@example.com'])).toBe(TLSRPT_INVALID);
    expect(errorCode(['v=TLSRPTv1; rua=mailto:a@example.com,'])).toBe(TLSRPT_INVALID);
    expect(errorCode(['v=TLSRPTv1; rua=mailto:a@example.com '])).toBe(TLSRPT_INVALID);
    expect(errorCode(['v=TLSRPTv1; rua=mailto:a@example.com;;'])).toBe(TLSRPT_INVALID);
    expect(errorCode(['v=TLSRPTv1; rua=mailto:a@example.com; x=a b'])).toBe(TLSRPT_INVALID);
    expect(errorCode(['v=TLSRPTv1; rua=not a uri'])).toBe(TLSRPT_INVALID);
    expect(errorCode(['v=TLSRPTv1; rua=//no-scheme.example'])).toBe(TLSRPT_INVALID);
    expect(errorCode(['v=TLSRPTv1; rua=https://r.example/#a#b'])).toBe(TLSRPT_INVALID);
    expect(errorCode(['v=TLSRPTv1; rua=mailto:caf\u00e9@example.com'])).toBe(TLSRPT_INVALID);
  });

  it('RFC 8460 s3: ",", "!" and ";" inside a URI must be percent-encoded', () => {
    expect(errorCode(['v=TLSRPTv1; rua=mailto:a@example.com!10m'])).toBe(TLSRPT_INVALID);
    expect(ruaOf(['v=TLSRPTv1; rua=mailto:a@example.com%2110m'])).toEqual(['mailto:a@example.com%2110m']);
    expect(ruaOf(['v=TLSRPTv1; rua=https://r.example/a%2Cb%3Bc'])).toEqual(['https://r.example/a%2Cb%3Bc']);
    expect(errorCode(['v=TLSRPTv1; rua=https://r.example/%zz'])).toBe(TLSRPT_INVALID);
  });

  it('RFC 8460 s3: a scheme other than mailto/https is present but not usable, and says so', () => {
    const r = parse(['v=TLSRPTv1; rua=http://r.example/report']);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.rua).toEqual([]);
      expect(r.warnings.map((w) => w.code)).toEqual([TLSRPT_RUA_UNUSABLE]);
    }
    const mixed = parse(['v=TLSRPTv1; rua=ftp://r.example/x,mailto:r@example.com']);
    expect(mixed.ok && mixed.rua).toEqual(['mailto:r@example.com']);
    expect(mixed.ok && mixed.warnings.map((w) => w.code)).toEqual([TLSRPT_RUA_UNUSABLE]);
    expect(ruaOf(['v=TLSRPTv1; rua=MAILTO:r@example.com,HTTPS://r.example/'])).toEqual(['MAILTO:r@example.com', 'HTTPS://r.example/']);
    expect(ruaOf(['v=TLSRPTv1; rua=mailto:'])).toEqual([]);
  });

  it('RFC 8460 s3: repeated rua fields are merged, with a warning', () => {
    const r = parse(['v=TLSRPTv1; rua=mailto:a@example.com; rua=https://r.example/']);
    expect(r.ok && r.rua).toEqual(['mailto:a@example.com', 'https://r.example/']);
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(['tls-rpt.rua.repeated']);
  });

  it('RFC 8460 s3: "v=TLSRPTv1 ;" is accepted as the only record', () => {
    expect(ruaOf(['v=TLSRPTv1 ; rua=mailto:a@example.com'])).toEqual(['mailto:a@example.com']);
    expect(errorCode(['v=TLSRPTv1 ; rua=mailto:a@example.com', 'v=spf1 -all'])).toBe(TLSRPT_INVALID);
  });
});

describe('TLS-RPT discovery', () => {
  it('RFC 8460 s3: queries TXT _smtp._tls.<domain>', async () => {
    const resolver = resolverWith('answer', [['v=TLSRPTv1; rua=mailto:tls@example.com']], 1200);
    const result = await discoverTlsRpt('example.com', { resolver });
    expect(resolver.names).toEqual(['_smtp._tls.example.com TXT']);
    expect(result).toEqual({ evidence: { record: 'valid', rua: ['mailto:tls@example.com'] }, ttl: 1200, warnings: [] });
  });

  it('maps every outcome to the evidence', async () => {
    const record = async (outcome: DnsOutcome, records: string[][] = []) => (await discoverTlsRpt('example.com', { resolver: resolverWith(outcome, records) })).evidence.record;
    expect(await record('nxdomain')).toBe('absent');
    expect(await record('nodata')).toBe('absent');
    expect(await record('answer', [['v=spf1 -all']])).toBe('absent');
    expect(await record('answer', [['v=TLSRPTv1; rua=']])).toBe('invalid');
    expect(await record('answer', [['v=TLSRPTv1; rua=http://r.example/']])).toBe('no-usable-rua');
    expect(await record('servfail')).toBe('lookup-failed');
    expect(await record('timeout')).toBe('lookup-failed');
    expect(await record('error')).toBe('lookup-failed');
    const throwing: Resolver = { query: () => Promise.reject(new Error('down')) };
    const failed = await discoverTlsRpt('example.com', { resolver: throwing });
    expect(failed.evidence).toEqual({ record: 'lookup-failed', rua: [] });
    expect(failed.problem?.code).toBe('tls-rpt.record.lookup-failed');
  });

  it('caps what it keeps', async () => {
    const many = Array.from({ length: 100 }, (_, i) => `mailto:r${i}@example.com`).join(',');
    const result = await discoverTlsRpt('example.com', { resolver: resolverWith('answer', [[`v=TLSRPTv1; rua=${many}`]]) });
    expect(result.evidence.rua).toHaveLength(64);
  });
});
