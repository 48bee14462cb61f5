// The main-thread side of world-worker.ts: starts the benchmark's servers in a worker thread and
// reads their query and request logs over messages (the engine's thread only sees the network).
import { startTsWorker } from './remote-fetch.ts';

/** Recipient domains of the benchmark (d1 … d20.bench.test). */
export { BENCH_DOMAINS } from './scenario.ts';

export type WorkerRequest =
  | { id: number; op: 'setDelay'; ms: number }
  | { id: number; op: 'marks' }
  | { id: number; op: 'logSince'; queries: number; requests: number; busyMs: number }
  | { id: number; op: 'close' };

export type WorkerReply =
  | { id: number; ready?: { dohUrl: string; ip: string; caPem: string } }
  | { id: number; queries: number; requests: number; busyMs: number }
  | { id: number; queries: string[]; requests: string[]; busyMs: number };

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Log lengths, and the servers' thread busy time (event-loop utilisation, ms) at the mark. */
export interface Marks { queries: number; requests: number; busyMs: number }

export interface RemoteWorld {
  dohUrl: string;
  /** Loopback address of the policy hosts (port 443). */
  ip: string;
  caPem: string;
  /** Delay D on every DoH answer and every policy response. */
  setDelay(ms: number): Promise<void>;
  /** Current lengths of the logs. */
  marks(): Promise<Marks>;
  /** DoH queries (`TYPE name`), policy requests (`host/path`) and the servers' busy ms since `marks`. */
  logSince(marks: Marks): Promise<{ queries: string[]; requests: string[]; busyMs: number }>;
  close(): Promise<void>;
}

export async function startRemoteWorld(loopback: number): Promise<RemoteWorld> {
  const worker = startTsWorker(new URL('./world-worker.ts', import.meta.url), { loopback });
  const pending = new Map<number, (reply: WorkerReply) => void>();
  let nextId = 1;
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`bench world worker exited (${code})`)));
  });
  failed.catch(() => {});
  const ready = new Promise<{ dohUrl: string; ip: string; caPem: string }>((resolve) => {
    worker.on('message', (reply: WorkerReply) => {
      if ('ready' in reply && reply.ready) resolve(reply.ready);
      pending.get(reply.id)?.(reply);
      pending.delete(reply.id);
    });
  });
  const info = await Promise.race([ready, failed]);
  const ask = <T extends WorkerReply>(request: WithoutId<WorkerRequest>): Promise<T> => {
    const id = nextId++;
    const answer = new Promise<T>((resolve) => pending.set(id, resolve as (reply: WorkerReply) => void));
    worker.postMessage({ ...request, id });
    return Promise.race([answer, failed]);
  };
  return {
    ...info,
    async setDelay(ms) {
      await ask({ op: 'setDelay', ms });
    },
    async marks() {
      const { queries, requests, busyMs } = await ask<{ id: number; queries: number; requests: number; busyMs: number }>({ op: 'marks' });
      return { queries, requests, busyMs };
    },
    async logSince(marks) {
      const { queries, requests, busyMs } = await ask<{ id: number; queries: string[]; requests: string[]; busyMs: number }>({ op: 'logSince', ...marks });
      return { queries, requests, busyMs };
    },
    async close() {
      await ask({ op: 'close' });
      await worker.terminate();
    },
  };
}
