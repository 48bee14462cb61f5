// What the two Node fetches (https-fetch.ts over node:https, http2-fetch.ts over node:http2) share:
// fetch's error shapes, the request bodies they accept, and the response body as a pull-based
// WHATWG ReadableStream over a Node Readable (a consumer that stops reading stops the download:
// TCP or HTTP/2 flow control is the backpressure).
import type { Readable } from 'node:stream';

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
