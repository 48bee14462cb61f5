// What the two Node fetches (https-fetch.ts over node:https, http2-fetch.ts over node:http2) share:
// fetch's error shapes, the request bodies and headers they accept, the response (NodeResponse:
// the FetchResponse of src/core/types.ts, without Node's WHATWG Response and Headers classes,
// whose first use loads undici: ~18 ms of CPU in a fresh process), and its body as a pull-based
// WHATWG ReadableStream over a Node Readable (a consumer that stops reading stops the download:
// TCP or HTTP/2 flow control is the backpressure).
import type { Readable } from 'node:stream';
import { readAtMost } from '../core/read-body.ts';
import type { FetchResponse } from '../core/types.ts';

/** Statuses whose responses have no body (Fetch standard "null body status"). */
export const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Like fetch: network-level failures (DNS, TCP, TLS, protocol, redirect refused) are TypeErrors. */
export function fetchFailed(message: string, cause?: unknown): TypeError {
  return new TypeError(message, cause === undefined ? undefined : { cause });
}

/** The request bodies these fetches send: strings and bytes (DoH POST, tests). */
export function requestBody(body: RequestInit['body'], who: string): Uint8Array | string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError(`${who}: only string, Uint8Array and ArrayBuffer bodies are supported`);
}

export interface BodyStream {
  stream: ReadableStream<Uint8Array>;
  /** Errors the stream with `reason` (an abort while the body is being read). */
  fail(reason: unknown): void;
}

export interface BodySource {
  /** The response body as Node delivers it (an IncomingMessage, an HTTP/2 stream). */
  readable: Readable;
  /** True when the source ended normally: a 'close' before that means the body was cut. */
  complete(): boolean;
  /** What the stream fails with when the source closes early. */
  cutMessage: string;
  /** Releases the source when the consumer cancels (destroy the socket, reset the stream). */
  release(): void;
}

/** The body as a pull-based ReadableStream: paused until read, paused again when the queue is full. */
export function bodyStream(source: BodySource): BodyStream {
  const { readable } = source;
  let settled = false;
  let fail: (reason: unknown) => void = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      fail = (reason) => {
        if (settled) return;
        settled = true;
        controller.error(reason);
      };
      readable.on('data', (chunk: Buffer) => {
        if (settled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) readable.pause();
      });
      readable.once('end', () => {
        if (settled) return;
        settled = true;
        controller.close();
      });
      readable.on('error', (error) => fail(fetchFailed('response body failed', error)));
      // 'close' without 'end': the connection or stream died mid-body. (The error is built only
      // then: an Error with its stack on every close costs real CPU per query.)
      readable.once('close', () => { if (!settled && !source.complete()) fail(fetchFailed(source.cutMessage)); });
      readable.pause();
    },
    pull() {
      readable.resume();
    },
    cancel() {
      settled = true;
      source.release();
    },
  }, new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }));
  return { stream, fail: (reason) => fail(reason) };
}

/**
 * The request's header fields as lower-case name -> value, from what RequestInit allows (a plain
 * record, name/value pairs, or a Headers object when the caller has one), without building a
 * Headers object. Repeated names are joined with ", " (RFC 9110 s5.3), as Headers does.
 */
export function requestHeaders(init: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (name: string, value: string): void => {
    const key = name.toLowerCase();
    const trimmed = String(value).trim();
    out[key] = key in out ? `${out[key]}, ${trimmed}` : trimmed;
  };
  if (init === undefined || init === null) return out;
  if (Array.isArray(init)) {
    for (const [name, value] of init as [string, string][]) add(name, value);
  } else if (typeof (init as Headers).forEach === 'function') {
    (init as Headers).forEach((value, name) => add(name, value));
  } else {
    for (const [name, value] of Object.entries(init as Record<string, string>)) add(name, value);
  }
  return out;
}

/** Response header fields by lower-case name; a repeated field reads as its values joined with ", " (Fetch "get"). */
class ResponseHeaders {
  private readonly fields = new Map<string, string>();
  constructor(pairs: Iterable<readonly [string, string]>) {
    for (const [name, value] of pairs) {
      const key = name.toLowerCase();
      const before = this.fields.get(key);
      this.fields.set(key, before === undefined ? value : `${before}, ${value}`);
    }
  }
  get(name: string): string | null {
    return this.fields.get(name.toLowerCase()) ?? null;
  }
  /** [name, value] pairs, names lower-case. */
  entries(): IterableIterator<[string, string]> {
    return this.fields.entries();
  }
}

/** The response of a Node fetch: status, URL, header fields and the body stream. */
export class NodeResponse implements FetchResponse {
  readonly type = 'default' as const;
  readonly headers: ResponseHeaders;
  constructor(readonly status: number, readonly url: string, headers: Iterable<readonly [string, string]>, readonly body: ReadableStream<Uint8Array> | null) {
    this.headers = new ResponseHeaders(headers);
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.body === null) return new ArrayBuffer(0);
    // No limit here: the callers that need one read `body` with readAtMost themselves.
    const bytes = await readAtMost(this.body, Number.POSITIVE_INFINITY);
    return (bytes as Uint8Array).buffer as ArrayBuffer;
  }
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.arrayBuffer());
  }
}

/** Name/value pairs of Node's rawHeaders ([name, value, name, value, ...]). */
export function* rawHeaderPairs(raw: readonly string[]): Generator<[string, string]> {
  for (let i = 0; i + 1 < raw.length; i += 2) yield [raw[i] as string, raw[i + 1] as string];
}
