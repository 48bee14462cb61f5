// The response and request-header helpers the Node fetches share (src/node/fetch-parts.ts): what
// the engine reads of a response must read as it would from a WHATWG Response.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bodyStream, NodeResponse, rawHeaderPairs, requestHeaders } from '../../../src/node/fetch-parts.ts';

const body = (chunks: string[]): ReadableStream<Uint8Array> =>
  bodyStream({ readable: Readable.from(chunks.map((c) => Buffer.from(c))), complete: () => true, cutMessage: 'cut', release: () => undefined }).stream;

describe('NodeResponse', () => {
  it('reads header fields by any case, a repeated field joined with ", " as Headers.get does', () => {
    const raw = ['Content-Type', 'text/plain', 'X-Many', 'a', 'x-many', 'b', 'Content-Length', '12'];
    const response = new NodeResponse(200, 'https://mta-sts.example/.well-known/mta-sts.txt', rawHeaderPairs(raw), null);
    const web = new Headers(Array.from(rawHeaderPairs(raw)));
    for (const name of ['content-type', 'Content-Type', 'x-many', 'content-length', 'absent']) {
      expect(response.headers.get(name)).toBe(web.get(name));
    }
    expect([...response.headers.entries()]).toEqual([['content-type', 'text/plain'], ['x-many', 'a, b'], ['content-length', '12']]);
    expect(response).toMatchObject({ status: 200, type: 'default', url: 'https://mta-sts.example/.well-known/mta-sts.txt' });
  });

  it('gives the body as a stream, or whole through arrayBuffer() and text()', async () => {
    expect(new TextDecoder().decode(await new NodeResponse(200, 'u', [], body(['vers', 'ion: STSv1\n'])).arrayBuffer())).toBe('version: STSv1\n');
    expect(await new NodeResponse(200, 'u', [], body(['mode: ', 'enforce'])).text()).toBe('mode: enforce');
    expect((await new NodeResponse(204, 'u', [], null).arrayBuffer()).byteLength).toBe(0);
    const reader = (new NodeResponse(200, 'u', [], body(['ab', 'c'])).body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('ab');
  });
});

describe('requestHeaders', () => {
  it('takes a record, name/value pairs or a Headers object, names lower-case, repeats joined', () => {
    expect(requestHeaders({ Accept: 'application/dns-message', 'X-A': ' 1 ' })).toEqual({ accept: 'application/dns-message', 'x-a': '1' });
    expect(requestHeaders([['Accept', 'a'], ['accept', 'b']])).toEqual({ accept: 'a, b' });
    expect(requestHeaders(new Headers({ 'Content-Type': 'text/plain' }))).toEqual({ 'content-type': 'text/plain' });
    expect(requestHeaders(undefined)).toEqual({});
  });
});
