// FetchLikes whose requests run in net-worker.ts (the benchmark's stand-in for a browser's
// network process): the engine's thread only builds requests and reads responses. A reply
// becomes a NodeResponse (src/node/fetch-parts.ts), not Node's WHATWG Response: a browser builds
// its Response natively, while Node's (undici, in JavaScript) would charge the engine's thread
// for a cost the browser does not have.
import { Worker } from 'node:worker_threads';
import type { FetchLike } from '../src/core/index.ts';
import { NodeResponse, requestHeaders } from '../src/node/fetch-parts.ts';

/** The reply's body as the stream a response has. */
function bodyOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}

export type NetRequest =
  | { op: 'fetch'; id: number; via: 'doh' | 'policy'; url: string; method: string; headers: [string, string][]; body?: Uint8Array | string; redirect: RequestRedirect }
  | { op: 'abort'; id: number }
  | { op: 'close'; id: number };

export type NetReply =
  | { id: number; status: number; headers: [string, string][]; body: Uint8Array }
  | { id: number; error: string }
  | { id: number; closed: true };

export interface RemoteNetwork {
  doh: FetchLike;
  policy: FetchLike;
  close(): Promise<void>;
}

/** Starts a worker thread with tsx's hooks registered, running `script` (a .ts file URL). */
export function startTsWorker(script: URL, workerData: unknown): Worker {
  // A worker does not inherit tsx's loader hooks: it registers them itself, then loads the .ts.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

export function startRemoteNetwork(caPem: string, policyIp: string): RemoteNetwork {
  const worker = startTsWorker(new URL('./net-worker.ts', import.meta.url), { caPem, policyIp });
  const pending = new Map<number, (reply: NetReply) => void>();
  let nextId = 1;
  worker.on('message', (reply: NetReply) => {
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  worker.on('error', (error) => {
    for (const settle of pending.values()) settle({ id: 0, error: `network worker failed: ${error.message}` });
    pending.clear();
  });

  const via = (kind: 'doh' | 'policy'): FetchLike => (input, init = {}) => {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = nextId++;
    const headers: [string, string][] = Object.entries(requestHeaders(init.headers));
    const body = init.body as Uint8Array | string | undefined | null;
    return new Promise<NodeResponse>((resolve, reject) => {
      const onAbort = (): void => {
        pending.delete(id);
        worker.postMessage({ op: 'abort', id } satisfies NetRequest);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      pending.set(id, (reply) => {
        signal?.removeEventListener('abort', onAbort);
        if ('error' in reply) reject(new TypeError(reply.error));
        else if ('status' in reply) resolve(new NodeResponse(reply.status, input, reply.headers, reply.status === 204 || reply.status === 304 ? null : bodyOf(reply.body)));
      });
      const request: NetRequest = { op: 'fetch', id, via: kind, url: input, method: init.method ?? 'GET', headers, redirect: init.redirect ?? 'follow' };
      if (body !== undefined && body !== null) request.body = body;
      worker.postMessage(request);
    });
  };

  return {
    doh: via('doh'),
    policy: via('policy'),
    async close() {
      const id = nextId++;
      await new Promise<void>((resolve) => {
        pending.set(id, () => resolve());
        worker.postMessage({ op: 'close', id } satisfies NetRequest);
      });
      await worker.terminate();
    },
  };
}
