// The engine's scheduling alone: the same 20-domain scenario as engine.ts, over an in-memory
// network where every DoH answer and every policy file arrives exactly D ms after it was asked
// for (a timer), with no TLS, no sockets and no server CPU on this thread. What it measures is
// how many round trips the engine puts in series and how much CPU it adds itself; engine.ts
// measures the same over real HTTPS, where this 2-core machine also has to play the servers.
import { performance } from 'node:perf_hooks';
import * as dnsPacket from '@dnsquery/dns-packet';
import {
  assessAddresses,
  assessDomain,
  createCachingResolver,
  createDohResolver,
  createMemoryPolicyCache,
  type AssessDeps,
  type FetchLike,
} from '../src/core/index.ts';
import { answerQuery } from '../test/support/doh-server.ts';
import { POLICY_PATH } from '../test/support/world.ts';
import type { Zone } from '../test/support/zone.ts';
import { BENCH_APEX, BENCH_DOMAINS, benchAddresses, benchDomain, benchScenario } from './scenario.ts';

function benchZone(): { zone: Zone; policies: Map<string, string> } {
  const { records, policies } = benchScenario();
  return { zone: { zones: [{ apex: BENCH_APEX, signed: false }], records }, policies };
}

interface Counts { queries: string[]; fetches: string[] }

function memoryNetwork(d: number, counts: Counts): FetchLike {
  const { zone, policies } = benchZone();
  const later = <T>(value: () => T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value()), d));
  return async (input) => {
    const url = new URL(input);
    if (url.pathname === '/dns-query') {
      const query = dnsPacket.decode(new Uint8Array(Buffer.from(url.searchParams.get('dns') ?? '', 'base64url')));
      counts.queries.push(`${query.questions?.[0]?.type} ${query.questions?.[0]?.name}`);
      return later(() => {
        const answer = answerQuery(zone, query);
        if (answer === 'hang') throw new Error('hang is not used here');
        return new Response(new Uint8Array(answer.response), { headers: { 'content-type': 'application/dns-message' } });
      });
    }
    counts.fetches.push(url.hostname + url.pathname);
    const body = url.pathname === POLICY_PATH ? policies.get(url.hostname) : undefined;
    return later(() => (body === undefined ? new Response('', { status: 404 }) : new Response(body, { headers: { 'content-type': 'text/plain' } })));
  };
}

function deps(d: number, counts: Counts): AssessDeps {
  const fetch = memoryNetwork(d, counts);
  return { resolver: createCachingResolver(createDohResolver({ urls: ['https://doh.bench.test/dns-query'], fetch, timeoutMs: 5_000 })), fetch, policyCache: createMemoryPolicyCache() };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface SchedulingRow { d: number; coldMs: number; batchMs: number; queries: number; dupQueries: number; fetches: number; dupFetches: number }

export async function benchScheduling(delays = [25, 50], runs = 7): Promise<SchedulingRow[]> {
  const rows: SchedulingRow[] = [];
  const addresses = benchAddresses();
  await assessAddresses(addresses, deps(0, { queries: [], fetches: [] })); // warm the JIT
  for (const d of delays) {
    const cold: number[] = [];
    const batch: number[] = [];
    let counts: Counts = { queries: [], fetches: [] };
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const one = await assessDomain(benchDomain(1), deps(d, { queries: [], fetches: [] }));
      cold.push(performance.now() - t0);
      if (one.level !== 'protected') throw new Error(`${benchDomain(1)} assessed ${one.level}`);
      counts = { queries: [], fetches: [] };
      const t1 = performance.now();
      const all = await assessAddresses(addresses, deps(d, counts));
      batch.push(performance.now() - t1);
      if (all.length !== BENCH_DOMAINS || all.some((a) => a.level !== 'protected')) throw new Error('batch gave unexpected verdicts');
    }
    rows.push({
      d,
      coldMs: median(cold),
      batchMs: median(batch),
      queries: counts.queries.length,
      dupQueries: counts.queries.length - new Set(counts.queries).size,
      fetches: counts.fetches.length,
      dupFetches: counts.fetches.length - new Set(counts.fetches).size,
    });
  }
  return rows;
}

export function formatSchedulingRows(rows: SchedulingRow[]): string {
  const lines = [
    '| D (ms) | cold 1 domain (ms) | cold / D | target ≤ 2.3·D+15 | 50 addr / 20 domains (ms) | batch / D (target ≤ 4) | DNS queries (dup) | policy fetches (dup) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const target = 2.3 * r.d + 15;
    lines.push(`| ${r.d} | ${r.coldMs.toFixed(1)} | ${(r.coldMs / r.d).toFixed(2)} | ${target.toFixed(1)} ${r.coldMs <= target ? '✓' : '✗'} | ${r.batchMs.toFixed(1)} | ${(r.batchMs / r.d).toFixed(2)} ${r.batchMs <= 4 * r.d ? '✓' : '✗'} | ${r.queries} (${r.dupQueries}) | ${r.fetches} (${r.dupFetches}) |`);
  }
  return lines.join('\n');
}
