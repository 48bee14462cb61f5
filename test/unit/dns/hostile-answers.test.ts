// DNS answers that are not answers to the question, malformed wire data, resolver RCODEs and
// Extended DNS Errors (RFC 8914), through the DoH resolver: each is a failed lookup with a
// reason, never "no records" and never a DNSSEC verdict the resolver did not give.
import { describe, expect, it } from 'vitest';
import { createDohResolver } from '../../../src/core/dns/index.ts';
import { decodeResponse } from '../../../src/core/dns/wire.ts';
import type { FetchLike } from '../../../src/core/types.ts';
import { assessDomain } from '../../../src/core/assess.ts';
import { dnsResponse, fakeFetch, soa } from './fake-doh.ts';
import { CLASS, TYPE, dotted, edeOption, message, opt, question, rdata, rr, wireName } from './wire-builder.ts';

const A = 'https://a.resolver.test/dns-query';
const B = 'https://b.resolver.test/dns-query';

/** A fetch that answers every request with the bytes `reply` builds, counting requests per URL. */
function replying(reply: (url: string) => Uint8Array) {
  const urls: string[] = [];
  const fetch: FetchLike = async (url) => {
    urls.push(url.split('?')[0] ?? url);
    return dnsResponse(reply(url));
  };
  return { fetch, urls };
}

const resolver = (fetch: FetchLike, urls = [A]) => createDohResolver({ urls, fetch, timeoutMs: 200 });

const MX_Q = question(dotted('example.com'), TYPE.MX);
const A_Q = question(dotted('mx.example.com'), TYPE.A);

describe('answers that do not answer the question are malformed (error), never "no records"', () => {
  it('an MX record owned by another name', async () => {
    const bytes = message({ questions: [MX_Q], answers: [rr(dotted('evil.example'), TYPE.MX, rdata.mx(10, dotted('mx.evil.example')))] });
    const result = await resolver(replying(() => bytes).fetch).query('example.com', 'MX');
    expect(result.outcome).toBe('error');
    expect(result.records).toEqual([]);
    expect(result.error).toMatch(/does not answer the question|not part of the answer/);
  });

  it('a record of another type at the question name', async () => {
    const bytes = message({ questions: [question(dotted('mx.example.com'), TYPE.AAAA)], answers: [rr(dotted('mx.example.com'), TYPE.A, rdata.a('192.0.2.1'))] });
    const result = await resolver(replying(() => bytes).fetch).query('mx.example.com', 'AAAA');
    expect(result.outcome).toBe('error');
  });

  it('a CNAME that is not a link of the chain', async () => {
    const bytes = message({
      questions: [A_Q],
      answers: [rr(dotted('mx.example.com'), TYPE.A, rdata.a('192.0.2.1')), rr(dotted('other.example.com'), TYPE.CNAME, dotted('x.example.com'))],
    });
    expect((await resolver(replying(() => bytes).fetch).query('mx.example.com', 'A')).outcome).toBe('error');
  });

  it('RRSIGs and CNAME links of the chain are legitimate', async () => {
    const rrsig = new Uint8Array([0, 1, 8, 3, 0, 0, 1, 44, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, ...dotted('example.net'), 1, 2, 3]);
    const bytes = message({
      ad: true,
      questions: [A_Q],
      answers: [
        rr(dotted('mx.example.com'), TYPE.CNAME, dotted('host.example.net')),
        rr(dotted('mx.example.com'), TYPE.RRSIG, rrsig),
        rr(dotted('host.example.net'), TYPE.A, rdata.a('192.0.2.7')),
        rr(dotted('host.example.net'), TYPE.RRSIG, rrsig),
      ],
    });
    const result = await resolver(replying(() => bytes).fetch).query('mx.example.com', 'A');
    expect(result).toMatchObject({ outcome: 'answer', secure: true, records: ['192.0.2.7'], cnames: ['host.example.net'] });
  });

  it('a record of class CH', async () => {
    const bytes = message({ questions: [MX_Q], answers: [rr(dotted('example.com'), TYPE.MX, rdata.mx(10, dotted('mx.example.com')), { cls: CLASS.CH })] });
    const result = await resolver(replying(() => bytes).fetch).query('example.com', 'MX');
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(/class/);
  });

  it('an owner label holding a literal dot is not two labels', async () => {
    // One label "example.com": decoded naively it reads as the question name.
    const bytes = message({ questions: [MX_Q], answers: [rr(wireName('example.com'), TYPE.MX, rdata.mx(10, dotted('mx.example.com')))] });
    expect(decodeResponse(bytes).ok).toBe(false);
    expect((await resolver(replying(() => bytes).fetch).query('example.com', 'MX')).outcome).toBe('error');
  });

  it('an MX target label holding a literal dot is not two labels', async () => {
    const bytes = message({ questions: [MX_Q], answers: [rr(dotted('example.com'), TYPE.MX, rdata.mx(10, wireName('mx.victim', 'example')))] });
    const result = await resolver(replying(() => bytes).fetch).query('example.com', 'MX');
    expect(result.outcome).toBe('error');
    expect(result.records).toEqual([]);
  });

  it.each([
    ['a truncated final record', message({ questions: [A_Q], answers: [rr(dotted('mx.example.com'), TYPE.A, rdata.a('192.0.2.1'))] }).slice(0, -2)],
    ['trailing garbage', message({ questions: [A_Q], answers: [rr(dotted('mx.example.com'), TYPE.A, rdata.a('192.0.2.1'))], trailing: new Uint8Array([1, 2, 3]) })],
    ['an RDLENGTH larger than the A data', message({ questions: [A_Q], answers: [rr(dotted('mx.example.com'), TYPE.A, new Uint8Array([192, 0, 2, 1, 9, 9]), { rdlength: 6 })] })],
    ['an RDLENGTH shorter than the MX data', message({ questions: [MX_Q], answers: [rr(dotted('example.com'), TYPE.MX, rdata.mx(10, dotted('mx.example.com')), { rdlength: 5 })] })],
    ['more answers counted than present', message({ questions: [A_Q], answers: [rr(dotted('mx.example.com'), TYPE.A, rdata.a('192.0.2.1'))], counts: [1, 2, 0, 0] })],
  ])('%s is malformed', async (_label, bytes) => {
    expect(decodeResponse(bytes).ok).toBe(false);
  });

  it('a truncated record through the resolver is an error, not NODATA', async () => {
    const bytes = message({ questions: [MX_Q], answers: [rr(dotted('example.com'), TYPE.MX, rdata.mx(10, dotted('mx.example.com')))] });
    const result = await resolver(replying(() => bytes.slice(0, -3)).fetch).query('example.com', 'MX');
    expect(result.outcome).toBe('error');
  });

  it('NXDOMAIN that still carries records of the asked type is contradictory', async () => {
    const bytes = message({ rcode: 3, questions: [A_Q], answers: [rr(dotted('mx.example.com'), TYPE.A, rdata.a('192.0.2.1'))] });
    expect((await resolver(replying(() => bytes).fetch).query('mx.example.com', 'A')).outcome).toBe('error');
  });
});

describe('RCODEs: only SERVFAIL may be servfail', () => {
  it.each([
    [1, 'FORMERR'],
    [4, 'NOTIMP'],
    [5, 'REFUSED'],
    [9, 'NOTAUTH'],
  ])('RCODE %i is a resolver problem (error, "%s"), not a DNSSEC failure', async (rcode, name) => {
    const { fetch, urls } = replying(() => message({ rcode, questions: [MX_Q] }));
    const result = await resolver(fetch, [A, B]).query('example.com', 'MX');
    expect(result.outcome).toBe('error');
    expect(result.error).toContain(name);
    expect(urls).toEqual([A, B]); // every resolver is asked
  });

  it('BADVERS (extended RCODE 16 through the OPT record) is a resolver problem', async () => {
    const bytes = message({ questions: [MX_Q], additionals: [opt([], 1)] });
    const result = await resolver(replying(() => bytes).fetch).query('example.com', 'MX');
    expect(result.outcome).toBe('error');
    expect(result.error).toContain('BADVERS');
  });
});

describe('Extended DNS Errors (RFC 8914)', () => {
  it('decodes INFO-CODE and EXTRA-TEXT from the OPT record', () => {
    const decoded = decodeResponse(message({ rcode: 2, questions: [MX_Q], additionals: [opt([edeOption(6, 'validation failure <example.com. MX IN>')])] }));
    expect(decoded.ok && decoded.message.ede).toEqual([{ code: 6, text: 'validation failure <example.com. MX IN>' }]);
  });

  it('caps EXTRA-TEXT and removes control characters', () => {
    const decoded = decodeResponse(message({ rcode: 2, questions: [MX_Q], additionals: [opt([edeOption(7, `\u001b[31m${'x'.repeat(5000)}`)])] }));
    if (!decoded.ok) throw new Error(decoded.error);
    const text = decoded.message.ede?.[0]?.text ?? '';
    expect(text.length).toBeGreaterThan(100);
    expect(text.length).toBeLessThanOrEqual(200);
    expect(text.includes(String.fromCharCode(0x1b))).toBe(false);
  });

  it('an EDE option shorter than its INFO-CODE is malformed', () => {
    expect(decodeResponse(message({ rcode: 2, questions: [MX_Q], additionals: [opt([{ code: 15, data: new Uint8Array([6]) }])] })).ok).toBe(false);
  });

  it('a SERVFAIL with a DNSSEC EDE carries it in the result and is not asked again of the same resolver', async () => {
    const { fetch, urls } = replying(() => message({ rcode: 2, questions: [MX_Q], additionals: [opt([edeOption(6, 'bogus')])] }));
    const result = await resolver(fetch).query('example.com', 'MX');
    expect(result).toMatchObject({ outcome: 'servfail', ede: { code: 6, text: 'bogus' } });
    expect(urls).toEqual([A]);
  });

  it('... but another configured resolver is still asked', async () => {
    const { fetch, urls } = replying((url) =>
      url.startsWith(A) ? message({ rcode: 2, questions: [MX_Q], additionals: [opt([edeOption(7)])] }) : message({ questions: [MX_Q], answers: [rr(dotted('example.com'), TYPE.MX, rdata.mx(10, dotted('mx.example.com')))] }),
    );
    const result = await resolver(fetch, [A, B]).query('example.com', 'MX');
    expect(result.outcome).toBe('answer');
    expect(urls).toEqual([A, B]);
  });

  it('a SERVFAIL without an EDE is still retried once on a lone resolver', async () => {
    const { fetch, urls } = replying(() => message({ rcode: 2, questions: [MX_Q] }));
    const result = await resolver(fetch).query('example.com', 'MX');
    expect(result.outcome).toBe('servfail');
    expect(result.ede).toBeUndefined();
    expect(urls).toEqual([A, A]);
  });
});

describe('every resolver failing at the network level', () => {
  it('names each resolver with its own short error, uncut', async () => {
    const fetch: FetchLike = async (url) => {
      const host = new URL(url).host;
      throw new TypeError('fetch failed', { cause: new Error(`getaddrinfo ENOTFOUND ${host}`) });
    };
    const result = await resolver(fetch, [A, B]).query('example.com', 'MX');
    expect(result.outcome).toBe('error');
    expect(result.error).toContain('a.resolver.test');
    expect(result.error).toContain('getaddrinfo ENOTFOUND a.resolver.test');
    expect(result.error).toContain('getaddrinfo ENOTFOUND b.resolver.test');
  });
});

describe('through the engine: a resolver RCODE on a signed domain is not a DNSSEC failure', () => {
  it.each([[5, 'REFUSED'], [4, 'NOTIMP'], [1, 'FORMERR']])('TLSA answered RCODE %i (%s): unknown, never misconfigured', async (rcode, name) => {
    const fetch = fakeFetch((r) => {
      const q = r.question;
      if (q.type === 'MX' && q.name === 'example.org') return { ad: true, answers: [{ type: 'MX', name: 'example.org', ttl: 300, data: { preference: 10, exchange: 'mx.example.org' } }] };
      if (q.type === 'A' && q.name === 'mx.example.org') return { ad: true, answers: [{ type: 'A', name: 'mx.example.org', ttl: 300, data: '192.0.2.1' }] };
      if (q.type === 'TLSA') return { rcode };
      return { ad: true, authorities: [soa('example.org', 300, 300)] };
    });
    const a = await assessDomain('example.org', { resolver: createDohResolver({ urls: [A], fetch, timeoutMs: 200 }), fetch: null, now: () => 0 });
    expect(a.level).toBe('unknown');
    expect(a.reasons[0]?.code).toBe('dane.lookup-failed');
    expect(a.reasons[0]?.message).toContain(name);
  });
});
