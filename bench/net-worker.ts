// The benchmark's "network process": DoH (one HTTP/2 session) and policy fetches (HTTPS/1.1) run
// in this worker thread, as a browser runs fetch() in its network service, not on the thread of
// the extension's service worker. remote-fetch.ts is the other side: a FetchLike over messages.
import { parentPort, workerData } from 'node:worker_threads';
import { createHttp2Fetch } from '../src/node/http2-fetch.ts';
import { createNodeHttpsFetch } from '../src/node/https-fetch.ts';
import type { NetReply, NetRequest } from './remote-fetch.ts';
import type { NodeResponse } from '../src/node/fetch-parts.ts';

const port = parentPort;
if (!port) throw new Error('net-worker.ts runs as a worker thread (see remote-fetch.ts)');
const { caPem, policyIp } = workerData as { caPem: string; policyIp: string };
const doh = createHttp2Fetch({ ca: caPem });
const policy = createNodeHttpsFetch({ ca: caPem, lookup: async () => policyIp });
const controllers = new Map<number, AbortController>();
/** More than any DNS message or policy file the engine accepts; the rest is not read. */
const BODY_CAP = 1024 * 1024;

async function perform(request: Extract<NetRequest, { op: 'fetch' }>): Promise<NetReply> {
  const controller = new AbortController();
  controllers.set(request.id, controller);
  try {
    if (request.via === 'doh' && request.method === 'GET') {
      // DoH the way a network process would do it: the body as bytes, no WHATWG objects.
      const bytes = await doh.getBytes(request.url, { headers: Object.fromEntries(request.headers), signal: controller.signal, timeoutMs: 10_000, maxBytes: BODY_CAP });
      // A copy of its own: the reply transfers its buffer, and HTTP/2 data may share a pooled one.
      const body = (bytes.body ?? new Uint8Array(0)).slice();
      return { id: request.id, status: bytes.status, headers: [['content-type', bytes.contentType], ['content-length', String(body.length)]], body };
    }
    const fetch = request.via === 'doh' ? doh : policy;
    const init: RequestInit = { method: request.method, headers: request.headers, redirect: request.redirect, signal: controller.signal };
    if (request.body !== undefined) init.body = request.body as BodyInit;
    const response = await fetch(request.url, init);
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = response.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
      if (total > BODY_CAP) {
        await reader.cancel();
        break;
      }
    }
    const body = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk.subarray(0, Math.max(0, total - offset)), offset);
      offset += chunk.length;
    }
    return { id: request.id, status: response.status, headers: [...(response as NodeResponse).headers.entries()], body };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  } finally {
    controllers.delete(request.id);
  }
}

port.on('message', (request: NetRequest) => {
  if (request.op === 'abort') {
    controllers.get(request.id)?.abort();
    return;
  }
  if (request.op === 'close') {
    doh.close();
    port.postMessage({ id: request.id, closed: true } satisfies NetReply);
    return;
  }
  void perform(request).then((reply) => port.postMessage(reply, 'body' in reply ? [reply.body.buffer as ArrayBuffer] : []));
});
