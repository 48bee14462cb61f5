import { describe, expect, it } from 'vitest';
import vectors from '../../vectors/doh-wire.json' with { type: 'json' };
import { createDohResolver } from '../../../src/core/dns/index.ts';
import type { FetchLike, RRType } from '../../../src/core/types.ts';
import { DNS_MESSAGE, dnsResponse, fakeFetch, hangUntilAborted, replyBytes, soa, type SeenRequest } from './fake-doh.ts';

const A = 'https://a.resolver.test/dns-query';
const B = 'https://b.resolver.test/dns-query';

const resolverWith = (fetch: FetchLike, urls = [A], extra: Partial<Parameters<typeof createDohResolver>[0]> = {}) =>
  createDohResolver({ urls, fetch, timeoutMs: 200, ...extra });

describe('requests (RFC 8484 s4.1, s6)', () => {
  const mxVector = vectors.vectors.find((v) => v.edns_do && v.qtype_name === 'MX');

  it('GET: ?dns= carries the AD=1, DO=1 query in base64url without padding, with Accept and no credentials', async () => {
    const fetch = fakeFetch(() => ({ answers: [] }));
    await resolverWith(fetch).query('Example.COM.', 'MX');
    const request = fetch.requests[0] as SeenRequest;
    expect(request.url).toBe(`https://a.resolver.test${mxVector?.get_url_path}`);
    expect(request.init?.method).toBe('GET');
    expect(new Headers(request.init?.headers).get('accept')).toBe(DNS_MESSAGE);
    expect(request.init?.credentials).toBe('omit');
    expect(request.init?.redirect).toBe('error');
    expect(request.init?.cache).toBe('no-store');
  });

  it('GET: appends &dns= to a URL that already has a query string', async () => {
    const fetch = fakeFetch(() => ({ answers: [] }));
    await resolverWith(fetch, ['https://a.resolver.test/resolve?ct=x']).query('example.com', 'MX');
    expect(fetch.requests[0]?.url).toMatch(/\/resolve\?ct=x&dns=AAABIAAB/);
  });

  it('POST: the body is the wire query, with Content-Type and Accept application/dns-message', async () => {
    const fetch = fakeFetch(() => ({ answers: [] }));
    await resolverWith(fetch, [A], { method: 'POST' }).query('example.com', 'MX');
    const request = fetch.requests[0] as SeenRequest;
    expect(request.url).toBe(A);
    expect(request.init?.method).toBe('POST');
    const headers = new Headers(request.init?.headers);
    expect(headers.get('content-type')).toBe(DNS_MESSAGE);
    expect(headers.get('accept')).toBe(DNS_MESSAGE);
    expect(Buffer.from(request.init?.body as Uint8Array).toString('hex')).toBe(mxVector?.wire_hex);
  });

  it('rejects an invalid name without sending anything', async () => {
    const fetch = fakeFetch(() => ({ answers: [] }));
    const result = await resolverWith(fetch).query('example..com', 'MX');
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(/empty label/);
    expect(fetch.requests).toHaveLength(0);
  });

  it('reports every HTTP request to onQuery', async () => {
    const seen: { name: string; type: RRType; url: string }[] = [];
    const fetch = fakeFetch(() => ({ answers: [] }));
    await resolverWith(fetch, [A], { onQuery: (e) => seen.push(e) }).query('example.com', 'TXT');
    expect(seen).toEqual([{ name: 'example.com', type: 'TXT', url: A }]);
  });
});

describe('answers', () => {
  it('reads the AD bit from the header', async () => {
    const answers = [{ type: 'A' as const, name: 'example.com', ttl: 300, data: '192.0.2.1' }];
    const secure = await resolverWith(fakeFetch(() => ({ ad: true, answers }))).query('example.com', 'A');
    const insecure = await resolverWith(fakeFetch(() => ({ ad: false, answers }))).query('example.com', 'A');
    expect(secure).toMatchObject({ outcome: 'answer', secure: true, records: ['192.0.2.1'], ttl: 300, cnames: [], resolver: A });
    expect(insecure).toMatchObject({ outcome: 'answer', secure: false });
  });

  it('decodes MX with lower-cased exchanges and the smallest TTL', async () => {
    const fetch = fakeFetch(() => ({
      answers: [
        { type: 'MX', name: 'example.com', ttl: 300, data: { preference: 10, exchange: 'MX1.Example.COM.' } },
        { type: 'MX', name: 'example.com', ttl: 120, data: { preference: 20, exchange: 'mx2.example.com' } },
      ],
    }));
    const result = await resolverWith(fetch).query('example.com', 'MX');
    expect(result.records).toEqual([{ preference: 10, exchange: 'mx1.example.com' }, { preference: 20, exchange: 'mx2.example.com' }]);
    expect(result.ttl).toBe(120);
  });

  it("decodes the null MX '.' as exchange '' (RFC 7505)", async () => {
    const fetch = fakeFetch(() => ({ answers: [{ type: 'MX', name: 'example.com', ttl: 60, data: { preference: 0, exchange: '.' } }] }));
    const result = await resolverWith(fetch).query('example.com', 'MX');
    expect(result.records).toEqual([{ preference: 0, exchange: '' }]);
  });

  it('keeps the character-strings of each TXT record apart', async () => {
    const fetch = fakeFetch(() => ({
      answers: [
        { type: 'TXT', name: '_mta-sts.example.com', ttl: 60, data: ['v=STSv1; ', 'id=1'] },
        { type: 'TXT', name: '_mta-sts.example.com', ttl: 60, data: ['other'] },
      ],
    }));
    const result = await resolverWith(fetch).query('_mta-sts.example.com', 'TXT');
    expect(result.records).toEqual([['v=STSv1; ', 'id=1'], ['other']]);
  });

  it('survives a TXT record with invalid UTF-8', async () => {
    const fetch = fakeFetch(() => ({ answers: [{ type: 'TXT', name: 'example.com', ttl: 60, data: [new Uint8Array([0x76, 0x3d, 0xc3, 0x28, 0xff])] }] }));
    const result = await resolverWith(fetch).query('example.com', 'TXT');
    expect(result.outcome).toBe('answer');
    expect(result.records[0]?.[0]).toMatch(/^v=\uFFFD\(\uFFFD$/);
  });

  it('decodes TLSA as numbers and lower-case hex', async () => {
    const data = new Uint8Array([3, 1, 1, 0xab, 0xcd, 0xef]);
    const fetch = fakeFetch(() => ({ ad: true, answers: [{ type: 'TLSA', name: '_25._tcp.mx.example.com', ttl: 60, data }] }));
    const result = await resolverWith(fetch).query('_25._tcp.mx.example.com', 'TLSA');
    expect(result.records).toEqual([{ usage: 3, selector: 1, matchingType: 1, data: 'abcdef' }]);
  });

  it('decodes AAAA', async () => {
    const fetch = fakeFetch(() => ({ answers: [{ type: 'AAAA', name: 'mx.example.com', ttl: 60, data: '2001:DB8::1' }] }));
    const result = await resolverWith(fetch).query('mx.example.com', 'AAAA');
    expect(result.records).toEqual(['2001:db8::1']);
  });

  it('records of other owners or types make the answer malformed (an error, not "no records")', async () => {
    const fetch = fakeFetch(() => ({
      answers: [
        { type: 'AAAA', name: 'mx.example.com', ttl: 60, data: '2001:DB8::1' },
        { type: 'AAAA', name: 'other.example.com', ttl: 60, data: '2001:db8::2' },
        { type: 'A', name: 'mx.example.com', ttl: 60, data: '192.0.2.1' },
      ],
    }));
    const result = await resolverWith(fetch).query('mx.example.com', 'AAAA');
    expect(result).toMatchObject({ outcome: 'error', records: [] });
    expect(result.error).toMatch(/malformed answer/);
  });

  it('follows compressed names (RFC 1035 s4.1.4) in owners and RDATA', async () => {
    // Hand-built: question example.com MX; two MX answers whose owner points at the question name
    // (c00c) and whose exchanges end in pointers, one to the question, one into the first RDATA.
    const wire = [
      '0000 81a0 0001 0002 0000 0000',
      '07 6578616d706c65 03 636f6d 00 000f 0001',
      'c00c 000f 0001 0000012c 0008 000a 03 6d7831 c00c',
      'c00c 000f 0001 00000258 000b 0014 06 6261636b7570 c02b',
    ].join('').replace(/ /g, '');
    const fetch: FetchLike = async () => dnsResponse(new Uint8Array(Buffer.from(wire, 'hex')));
    const result = await resolverWith(fetch).query('example.com', 'MX');
    expect(result).toMatchObject({ outcome: 'answer', secure: true, ttl: 300 });
    expect(result.records).toEqual([{ preference: 10, exchange: 'mx1.example.com' }, { preference: 20, exchange: 'backup.mx1.example.com' }]);
  });
});

describe('denials and failures', () => {
  it('NODATA: the TTL is min(SOA TTL, SOA minimum)', async () => {
    const fetch = fakeFetch(() => ({ ad: true, authorities: [soa('example.com', 900, 120)] }));
    const result = await resolverWith(fetch).query('example.com', 'TLSA');
    expect(result).toMatchObject({ outcome: 'nodata', secure: true, records: [], ttl: 120 });
  });

  it('NODATA without an SOA gets 60 seconds', async () => {
    const result = await resolverWith(fakeFetch(() => ({}))).query('example.com', 'MX');
    expect(result).toMatchObject({ outcome: 'nodata', secure: false, ttl: 60 });
  });

  it('NXDOMAIN (RCODE 3)', async () => {
    const fetch = fakeFetch(() => ({ rcode: 3, ad: true, authorities: [soa('example.com', 30, 300)] }));
    const result = await resolverWith(fetch).query('nope.example.com', 'MX');
    expect(result).toMatchObject({ outcome: 'nxdomain', secure: true, records: [], ttl: 30 });
    expect(fetch.requests).toHaveLength(1);
  });

  it('SERVFAIL is servfail, asked of every resolver', async () => {
    const fetch = fakeFetch(() => ({ rcode: 2 }));
    const result = await resolverWith(fetch, [A, B]).query('example.com', 'MX');
    expect(result).toMatchObject({ outcome: 'servfail', secure: false, records: [], resolver: B });
    expect(result.error).toContain('SERVFAIL');
    expect(fetch.requests.map((r) => r.url.split('?')[0])).toEqual([A, B]);
  });

  it('REFUSED (RCODE 5) is a resolver problem: error, asked of every resolver', async () => {
    const fetch = fakeFetch(() => ({ rcode: 5 }));
    const result = await resolverWith(fetch, [A, B]).query('example.com', 'MX');
    expect(result).toMatchObject({ outcome: 'error', secure: false, records: [] });
    expect(result.error).toContain('REFUSED');
    expect(fetch.requests.map((r) => r.url.split('?')[0])).toEqual([A, B]);
  });

  it('SERVFAIL from one resolver, an answer from the next', async () => {
    const fetch = fakeFetch((r) => (r.url.startsWith(A) ? { rcode: 2 } : { answers: [{ type: 'A', name: 'example.com', ttl: 5, data: '192.0.2.1' }] }));
    const result = await resolverWith(fetch, [A, B]).query('example.com', 'A');
    expect(result).toMatchObject({ outcome: 'answer', resolver: B });
  });

  it('HTTP 500, then failover to the next resolver', async () => {
    const fetch = fakeFetch((r) => (r.url.startsWith(A) ? new Response('oops', { status: 500 }) : { answers: [{ type: 'A', name: 'example.com', ttl: 5, data: '192.0.2.1' }] }));
    const result = await resolverWith(fetch, [A, B]).query('example.com', 'A');
    expect(result).toMatchObject({ outcome: 'answer', records: ['192.0.2.1'], resolver: B });
    expect(fetch.requests).toHaveLength(2);
  });

  it('a lone resolver is retried once; both failures give an error with a reason', async () => {
    const fetch = fakeFetch(() => new Response('oops', { status: 503 }));
    const result = await resolverWith(fetch).query('example.com', 'A');
    expect(result).toMatchObject({ outcome: 'error', secure: false, records: [], resolver: A });
    expect(result.error).toBe('a.resolver.test answered HTTP 503.');
    expect(fetch.requests).toHaveLength(2);
  });

  it('a wrong content type is an error', async () => {
    const fetch = fakeFetch(() => new Response('<html></html>', { status: 200, headers: { 'content-type': 'text/html' } }));
    const result = await resolverWith(fetch).query('example.com', 'A');
    expect(result.outcome).toBe('error');
    expect(result.error).toContain('content type "text/html"');
  });

  it('accepts content-type parameters', async () => {
    const fetch = fakeFetch((r) => dnsResponse(replyBytes(r.query, { answers: [{ type: 'A', name: 'example.com', ttl: 5, data: '192.0.2.1' }] }), { 'content-type': 'Application/DNS-Message; charset=binary' }));
    expect((await resolverWith(fetch).query('example.com', 'A')).outcome).toBe('answer');
  });

  it.each([
    ['declared by Content-Length', true],
    ['streamed without a length', false],
  ])('rejects a 70 KB response (%s)', async (_label, declared) => {
    const big = new Uint8Array(70 * 1024);
    const fetch: FetchLike = async () => {
      const body = declared ? (big as unknown as BodyInit) : new ReadableStream({ start(c) { c.enqueue(big.subarray(0, 40_000)); c.enqueue(big.subarray(40_000)); c.close(); } });
      const headers: Record<string, string> = { 'content-type': DNS_MESSAGE };
      if (declared) headers['content-length'] = String(big.length);
      return new Response(body, { status: 200, headers });
    };
    const result = await resolverWith(fetch).query('example.com', 'TXT');
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(/65536/);
  });

  it('a malformed body is an error', async () => {
    const fetch: FetchLike = async () => dnsResponse(new Uint8Array([0, 0, 0x81]));
    const result = await resolverWith(fetch).query('example.com', 'A');
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(/malformed|could not be decoded/);
  });

  it('an answer to another question is an error', async () => {
    const fetch = fakeFetch(() => ({ question: { type: 'A', name: 'evil.example', class: 'IN' } }));
    const result = await resolverWith(fetch).query('example.com', 'A');
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(/different question/);
  });

  it('the TC bit makes the response an error', async () => {
    const result = await resolverWith(fakeFetch(() => ({ tc: true }))).query('example.com', 'TXT');
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(/truncated/);
  });

  it('a network failure is an error with the cause', async () => {
    const fetch: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND a.resolver.test') });
    };
    const result = await resolverWith(fetch).query('example.com', 'A');
    expect(result.outcome).toBe('error');
    expect(result.error).toContain('ENOTFOUND');
  });

  it('a hanging resolver times out, then the next one answers', async () => {
    const fetch = fakeFetch((r) => (r.url.startsWith(A) ? hangUntilAborted(r.init) : { answers: [{ type: 'A', name: 'example.com', ttl: 5, data: '192.0.2.1' }] }));
    const result = await resolverWith(fetch, [A, B], { timeoutMs: 30 }).query('example.com', 'A');
    expect(result).toMatchObject({ outcome: 'answer', resolver: B });
    expect(fetch.requests[0]?.init?.signal?.aborted).toBe(true);
  });

  it('every resolver hanging gives timeout, even when fetch ignores its signal', async () => {
    const fetch: FetchLike = () => new Promise<Response>(() => undefined);
    const result = await resolverWith(fetch, [A, B], { timeoutMs: 20 }).query('example.com', 'A');
    expect(result).toMatchObject({ outcome: 'timeout', secure: false, resolver: B });
    // Every resolver tried is named, each with its own short error.
    expect(result.error).toBe('Every resolver failed: a.resolver.test did not answer within 20 ms; b.resolver.test did not answer within 20 ms.');
  });

  it("the caller's signal aborts the query and no further resolver is asked", async () => {
    const controller = new AbortController();
    const fetch = fakeFetch((r) => {
      queueMicrotask(() => controller.abort());
      return hangUntilAborted(r.init);
    });
    const result = await resolverWith(fetch, [A, B], { timeoutMs: 10_000 }).query('example.com', 'A', controller.signal);
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(/aborted/);
    expect(fetch.requests).toHaveLength(1);
  });

  it('no configured resolver is an error, not a crash', async () => {
    const fetch = fakeFetch(() => ({}));
    const result = await createDohResolver({ urls: [], fetch }).query('example.com', 'A');
    expect(result).toMatchObject({ outcome: 'error', error: 'No DoH resolver is configured.' });
    expect(fetch.requests).toHaveLength(0);
  });

  it('never throws, even when fetch throws synchronously', async () => {
    const fetch = (() => {
      throw new Error('boom');
    }) as unknown as FetchLike;
    const result = await resolverWith(fetch).query('example.com', 'A');
    expect(result.outcome).toBe('error');
  });
});

describe('CNAME chains', () => {
  it('follows a chain inside the answer section and records it', async () => {
    const fetch = fakeFetch(() => ({
      ad: true,
      answers: [
        { type: 'CNAME', name: 'mx.example.com', ttl: 100, data: 'Host.Provider.NET.' },
        { type: 'CNAME', name: 'host.provider.net', ttl: 50, data: 'pool.provider.net' },
        { type: 'A', name: 'pool.provider.net', ttl: 300, data: '192.0.2.9' },
      ],
    }));
    const result = await resolverWith(fetch).query('mx.example.com', 'A');
    expect(result).toMatchObject({ outcome: 'answer', secure: true, records: ['192.0.2.9'], cnames: ['host.provider.net', 'pool.provider.net'], ttl: 50 });
    expect(fetch.requests).toHaveLength(1);
  });

  it('re-queries the target when the chain stops without records or denial', async () => {
    const fetch = fakeFetch((r) =>
      r.question.name === 'mx.example.com'
        ? { ad: true, answers: [{ type: 'CNAME', name: 'mx.example.com', ttl: 100, data: 'host.provider.net' }] }
        : { ad: false, answers: [{ type: 'A', name: 'host.provider.net', ttl: 30, data: '192.0.2.9' }] },
    );
    const result = await resolverWith(fetch).query('mx.example.com', 'A');
    expect(fetch.requests.map((r) => r.question.name)).toEqual(['mx.example.com', 'host.provider.net']);
    // The whole chain is only as secure as its weakest answer.
    expect(result).toMatchObject({ outcome: 'answer', secure: false, records: ['192.0.2.9'], cnames: ['host.provider.net'], ttl: 30 });
  });

  it('a chain that ends in NODATA (with SOA) is not re-queried', async () => {
    const fetch = fakeFetch(() => ({ answers: [{ type: 'CNAME', name: 'a.example.com', ttl: 100, data: 'b.example.com' }], authorities: [soa('example.com', 40, 40)] }));
    const result = await resolverWith(fetch).query('a.example.com', 'TLSA');
    expect(result).toMatchObject({ outcome: 'nodata', cnames: ['b.example.com'], ttl: 40 });
    expect(fetch.requests).toHaveLength(1);
  });

  it('a chain that ends in NXDOMAIN is nxdomain (RFC 6604)', async () => {
    const fetch = fakeFetch(() => ({ rcode: 3, answers: [{ type: 'CNAME', name: 'a.example.com', ttl: 100, data: 'gone.example.com' }] }));
    const result = await resolverWith(fetch).query('a.example.com', 'A');
    expect(result).toMatchObject({ outcome: 'nxdomain', cnames: ['gone.example.com'] });
  });

  it('a CNAME query returns the CNAME itself', async () => {
    const fetch = fakeFetch(() => ({ answers: [{ type: 'CNAME', name: 'a.example.com', ttl: 100, data: 'B.example.com.' }] }));
    const result = await resolverWith(fetch).query('a.example.com', 'CNAME');
    expect(result).toMatchObject({ outcome: 'answer', records: ['b.example.com'], cnames: [] });
  });

  it('detects a loop across re-queries', async () => {
    const fetch = fakeFetch((r) => ({
      answers: [{ type: 'CNAME', name: r.question.name, ttl: 100, data: r.question.name === 'a.example.com' ? 'b.example.com' : 'a.example.com' }],
    }));
    const result = await resolverWith(fetch).query('a.example.com', 'A');
    // Our own finding, not the resolver's SERVFAIL: an error (never a DNSSEC verdict).
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(/loops/);
    expect(fetch.requests).toHaveLength(2);
  });

  it('gives up after 8 links', async () => {
    const fetch = fakeFetch((r) => {
      const n = Number(/^h(\d+)\./.exec(r.question.name)?.[1] ?? 0);
      return { answers: [{ type: 'CNAME', name: r.question.name, ttl: 100, data: `h${n + 1}.example.com` }] };
    });
    const result = await resolverWith(fetch).query('h0.example.com', 'A');
    expect(result.outcome).toBe('error');
    expect(result.cnames).toHaveLength(8);
    expect(fetch.requests).toHaveLength(9);
  });
});

describe('bounded concurrency', () => {
  it('keeps at most maxInFlight HTTP requests open and queues the rest', async () => {
    let open = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const fetch = fakeFetch(async (r) => {
      open++;
      peak = Math.max(peak, open);
      await new Promise<void>((resolve) => release.push(resolve));
      open--;
      return { answers: [{ type: 'A', name: r.question.name, ttl: 5, data: '192.0.2.1' }] };
    });
    const resolver = resolverWith(fetch, [A], { maxInFlight: 2, timeoutMs: 10_000 });
    const pending = Array.from({ length: 5 }, (_, i) => resolver.query(`h${i}.example.com`, 'A'));
    // Let the queue fill, then release one request at a time.
    for (let released = 0; released < 5; released++) {
      await expect.poll(() => release.length).toBeGreaterThan(0);
      expect(open).toBeLessThanOrEqual(2);
      release.shift()?.();
    }
    const results = await Promise.all(pending);
    expect(results.every((r) => r.outcome === 'answer')).toBe(true);
    expect(peak).toBe(2);
  });
});
