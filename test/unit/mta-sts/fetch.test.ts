import { describe, expect, it } from 'vitest';
import { fetchMtaStsPolicy, type PolicyFetchResult } from '../../../src/core/mta-sts/fetch.ts';
import type { FetchLike } from '../../../src/core/types.ts';

const POLICY = 'version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400\n';

interface Call {
  url: string;
  init: RequestInit | undefined;
}

function fakeFetch(respond: (url: string, init?: RequestInit) => Response | Promise<Response>): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    return respond(url, init);
  };
  return { fetch, calls };
}

const textPlain = (body: BodyInit | null, init: ResponseInit = {}): Response =>
  new Response(body, { status: 200, ...init, headers: { 'content-type': 'text/plain', ...(init.headers as Record<string, string> | undefined) } });

function failureKind(result: PolicyFetchResult): string | undefined {
  return result.ok ? undefined : result.error.kind;
}

/** A body that produces `total` bytes in `chunk`-sized pieces on demand, counting what was pulled. */
function countingStream(total: number, chunk: number): { stream: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => boolean } {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) {
          controller.close();
          return;
        }
        const size = Math.min(chunk, total - pulled);
        pulled += size;
        controller.enqueue(new Uint8Array(size).fill(0x61));
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

describe('policy fetch (RFC 8461 s3.3)', () => {
  it('RFC 8461 s3.3: fetches exactly https://mta-sts.<domain>/.well-known/mta-sts.txt', async () => {
    const { fetch, calls } = fakeFetch(() => textPlain(POLICY));
    const result = await fetchMtaStsPolicy('xn--bcher-kva.example', { fetch });
    expect(result).toEqual({ ok: true, body: POLICY, url: 'https://mta-sts.xn--bcher-kva.example/.well-known/mta-sts.txt' });
    expect(calls.map((c) => c.url)).toEqual(['https://mta-sts.xn--bcher-kva.example/.well-known/mta-sts.txt']);
  });

  it('RFC 8461 s3.3: a name that is not a domain is refused without a request', async () => {
    const { fetch, calls } = fakeFetch(() => textPlain(POLICY));
    const result = await fetchMtaStsPolicy('evil.example/@other', { fetch });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('mta-sts.fetch.bad-domain');
    expect(calls).toHaveLength(0);
  });

  it('RFC 8461 s3.3: only HTTP 200 is valid; redirects are not followed', async () => {
    for (const status of [301, 302, 307, 308]) {
      const { fetch, calls } = fakeFetch(() => new Response(null, { status, headers: { location: 'https://elsewhere.example/' } }));
      expect(failureKind(await fetchMtaStsPolicy('example.com', { fetch })), String(status)).toBe('redirect');
      expect(calls[0]?.init?.redirect).toBe('manual');
    }
    // What a browser gives for redirect: 'manual'.
    const opaque = { type: 'opaqueredirect', status: 0, headers: new Headers(), body: null } as unknown as Response;
    expect(failureKind(await fetchMtaStsPolicy('example.com', { fetch: fakeFetch(() => opaque).fetch }))).toBe('redirect');
    for (const status of [201, 204, 206, 403, 500, 503]) {
      const { fetch } = fakeFetch(() => textPlain(status === 204 ? null : POLICY, { status }));
      expect(failureKind(await fetchMtaStsPolicy('example.com', { fetch })), String(status)).toBe('http-status');
    }
    const notFound = fakeFetch(() => textPlain('nope', { status: 404 }));
    const result = await fetchMtaStsPolicy('example.com', { fetch: notFound.fetch });
    expect(failureKind(result)).toBe('not-found');
    expect(!result.ok && result.error.code).toBe('mta-sts.fetch.not-found');
  });

  it('RFC 8461 s3.3: HTTP caching is not used and no credentials are sent', async () => {
    const { fetch, calls } = fakeFetch(() => textPlain(POLICY));
    await fetchMtaStsPolicy('example.com', { fetch });
    expect(calls[0]?.init).toMatchObject({ cache: 'no-store', credentials: 'omit', redirect: 'manual' });
    expect(calls[0]?.init?.signal).toBeInstanceOf(AbortSignal);
  });

  it('RFC 8461 s3.3: the media type must be text/plain, compared case-insensitively, parameters ignored', async () => {
    for (const type of ['text/plain', 'TEXT/PLAIN', 'text/plain ; charset=UTF-8', 'text/plain;charset=us-ascii', 'Text/Plain; format=flowed']) {
      const { fetch } = fakeFetch(() => new Response(POLICY, { headers: { 'content-type': type } }));
      expect((await fetchMtaStsPolicy('example.com', { fetch })).ok, type).toBe(true);
    }
    for (const type of ['text/html', 'text/plain+', 'application/json+text/plain', 'application/octet-stream', '']) {
      const { fetch } = fakeFetch(() => new Response(POLICY, { headers: { 'content-type': type } }));
      expect(failureKind(await fetchMtaStsPolicy('example.com', { fetch })), type).toBe('content-type');
    }
    const none = fakeFetch(() => new Response(new Uint8Array([0x61])));
    expect(failureKind(await fetchMtaStsPolicy('example.com', { fetch: none.fetch }))).toBe('content-type');
  });

  it('docs/decisions.md: a body in a content coding other than identity is refused, never inflated or read as text', async () => {
    for (const coding of ['gzip', 'br', 'deflate', 'GZIP', 'gzip, identity']) {
      const { fetch } = fakeFetch(() => new Response(POLICY, { headers: { 'content-type': 'text/plain', 'content-encoding': coding } }));
      expect(failureKind(await fetchMtaStsPolicy('example.com', { fetch })), coding).toBe('content-encoding');
    }
    for (const coding of ['identity', ' Identity ']) {
      const { fetch } = fakeFetch(() => new Response(POLICY, { headers: { 'content-type': 'text/plain', 'content-encoding': coding } }));
      expect((await fetchMtaStsPolicy('example.com', { fetch })).ok, coding).toBe(true);
    }
  });

  it('RFC 8461 s3.3: a Content-Length above the cap is refused before reading the body', async () => {
    const body = countingStream(10_000_000, 16_384);
    const { fetch } = fakeFetch(() => textPlain(body.stream, { headers: { 'content-length': '10000000' } }));
    const result = await fetchMtaStsPolicy('example.com', { fetch });
    expect(failureKind(result)).toBe('too-large');
    expect(body.pulled()).toBe(0);
    expect(body.cancelled()).toBe(true);
  });

  it('RFC 8461 s3.3: a chunked 10 MB body is cancelled after about 64 KB', async () => {
    const body = countingStream(10_000_000, 4096);
    const { fetch } = fakeFetch(() => textPlain(body.stream));
    const result = await fetchMtaStsPolicy('example.com', { fetch });
    expect(failureKind(result)).toBe('too-large');
    expect(body.pulled()).toBeGreaterThan(65_536);
    expect(body.pulled()).toBeLessThanOrEqual(65_536 + 2 * 4096);
    expect(body.cancelled()).toBe(true);
  });

  it('RFC 8461 s3.3: a lying Content-Length does not lift the cap; the exact cap is accepted', async () => {
    const lying = countingStream(200_000, 10_000);
    const r1 = await fetchMtaStsPolicy('example.com', { fetch: fakeFetch(() => textPlain(lying.stream, { headers: { 'content-length': '100' } })).fetch });
    expect(failureKind(r1)).toBe('too-large');
    expect(lying.pulled()).toBeLessThanOrEqual(80_000);
    const exact = countingStream(1000, 300);
    const r2 = await fetchMtaStsPolicy('example.com', { fetch: fakeFetch(() => textPlain(exact.stream)).fetch, maxBytes: 1000 });
    expect(r2.ok && r2.body.length).toBe(1000);
  });

  it('RFC 8461 s3.3: the timeout covers the response headers', async () => {
    const hanging: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const result = await fetchMtaStsPolicy('example.com', { fetch: hanging, timeoutMs: 20 });
    expect(failureKind(result)).toBe('timeout');
    expect(!result.ok && result.error.code).toBe('mta-sts.fetch.timeout');
    // A fetch that ignores the signal cannot outlive the timeout either.
    const deaf: FetchLike = () => new Promise(() => undefined);
    expect(failureKind(await fetchMtaStsPolicy('example.com', { fetch: deaf, timeoutMs: 20 }))).toBe('timeout');
  });

  it('RFC 8461 s3.3: the timeout covers the body', async () => {
    let cancelled = false;
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('version: STSv1\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const result = await fetchMtaStsPolicy('example.com', { fetch: fakeFetch(() => textPlain(stalled)).fetch, timeoutMs: 20 });
    expect(failureKind(result)).toBe('timeout');
    expect(cancelled).toBe(true);
  });

  it("the caller's signal cancels the fetch", async () => {
    const controller = new AbortController();
    const hanging: FetchLike = () => new Promise(() => undefined);
    const pending = fetchMtaStsPolicy('example.com', { fetch: hanging, signal: controller.signal });
    controller.abort();
    const result = await pending;
    expect(!result.ok && result.error.code).toBe('mta-sts.fetch.aborted');
    const already = await fetchMtaStsPolicy('example.com', { fetch: hanging, signal: AbortSignal.abort() });
    expect(!already.ok && already.error.code).toBe('mta-sts.fetch.aborted');
  });

  it('network errors become a result, never an exception', async () => {
    const throwing: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    const r1 = await fetchMtaStsPolicy('example.com', { fetch: throwing });
    expect(failureKind(r1)).toBe('network');
    expect(!r1.ok && r1.error.message).toMatch(/Failed to fetch/);
    const syncThrow: FetchLike = () => {
      throw new Error('boom');
    };
    expect(failureKind(await fetchMtaStsPolicy('example.com', { fetch: syncThrow }))).toBe('network');
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('connection reset'));
      },
    });
    expect(failureKind(await fetchMtaStsPolicy('example.com', { fetch: fakeFetch(() => textPlain(broken)).fetch }))).toBe('network');
  });

  it('RFC 8461 s3.2: the body is decoded as UTF-8, fatally; a BOM is kept for the parser to report', async () => {
    const invalid = new Uint8Array([0x76, 0xff, 0xfe, 0x0a]);
    expect(failureKind(await fetchMtaStsPolicy('example.com', { fetch: fakeFetch(() => textPlain(invalid)).fetch }))).toBe('encoding');
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('note: café')]);
    const result = await fetchMtaStsPolicy('example.com', { fetch: fakeFetch(() => textPlain(withBom)).fetch });
    expect(result.ok && result.body).toBe('\uFEFFnote: café');
    const empty = await fetchMtaStsPolicy('example.com', { fetch: fakeFetch(() => textPlain(null)).fetch });
    expect(empty.ok && empty.body).toBe('');
  });
});
