// The main-thread side of service-world-worker.ts: the service benchmark's DoH server and policy
// hosts run in a worker thread; this starts it and talks to it over messages.
import { startTsWorker } from './remote-fetch.ts';
import { BENCH_APEX } from './scenario.ts';

export const MEM_APEX = 'mem.bench.test';
/** The memory phase's domains (m1 … mN.mem.bench.test), added to the zone on request. */
export const memDomain = (i: number): string => `m${i}.${MEM_APEX}`;
/** Domains shaped like the bench's (MTA-STS enforce, a policy host each) for warming a service's code. */
export const WARM_DOMAINS = 20;
export const warmDomain = (i: number): string => `w${i}.${BENCH_APEX}`;

export type ServiceWorldRequest =
  | { id: number; op: 'setDelay'; ms: number }
  | { id: number; op: 'setMemDomains'; from: number; count: number }
  | { id: number; op: 'log'; since: { queries: number; requests: number } }
  | { id: number; op: 'close' };

export interface WorldLog {
  /** Lengths of the logs when asked (pass back as `since`). */
  marks: { queries: number; requests: number };
  /** `TYPE name` of each DoH query and `host/path` of each policy request since then, with arrival times. */
  queries: { what: string; at: number }[];
  requests: { what: string; at: number }[];
}

export type ServiceWorldReply = { id: number; ready?: { dohUrl: string; classicUrl: string; ip: string; caPem: string; caFile: string }; log?: WorldLog };

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface World {
  dohUrl: string;
  /** The same resolver over classic DNS (dns://127.0.0.N:PORT), for the service's local-resolver setup. */
  classicUrl: string;
  ip: string;
  caFile: string;
  ask(request: WithoutId<ServiceWorldRequest>): Promise<ServiceWorldReply>;
  close(): Promise<void>;
}

export async function startBenchWorld(loopback: number): Promise<World> {
  const worker = startTsWorker(new URL('./service-world-worker.ts', import.meta.url), { loopback });
  const pending = new Map<number, (reply: ServiceWorldReply) => void>();
  let nextId = 1;
  const ready = new Promise<NonNullable<ServiceWorldReply['ready']>>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (reply: ServiceWorldReply) => {
      if (reply.ready) resolve(reply.ready);
      pending.get(reply.id)?.(reply);
      pending.delete(reply.id);
    });
  });
  const info = await ready;
  const ask = (message: WithoutId<ServiceWorldRequest>): Promise<ServiceWorldReply> => {
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      worker.postMessage({ ...message, id });
    });
  };
  return { ...info, ask, close: async () => { await ask({ op: 'close' }); await worker.terminate(); } };
}

