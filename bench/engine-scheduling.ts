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
  // The policy hosts have addresses, for the CLI-like modes that resolve them through DoH.
  const { records, policies } = benchScenario('192.0.2.80');
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

/**
 * How the policy fetch finds its host, and the engine's settings:
 * - browser: the fetch resolves the host itself (the browser's resolver, not timed here);
 * - CLI before: the host's A and AAAA through the same DoH resolver after the TXT answer, and
 *   the old in-flight limit of 64;
 * - CLI, prefetch, limit 64: the prefetch alone (100 queries in the first wave against 64);
 * - CLI now: the same lookup, but prefetched with the TXT record (prefetchPolicyHost) and the
 *   limit of 256 (docs/decisions.md "Engine").
 */
export type SchedulingMode = 'browser' | 'CLI before (no prefetch, limit 64)' | 'CLI, prefetch, limit 64' | 'CLI now (prefetch, limit 256)';
export const SCHEDULING_MODES: SchedulingMode[] = ['browser', 'CLI before (no prefetch, limit 64)', 'CLI, prefetch, limit 64', 'CLI now (prefetch, limit 256)'];

function deps(d: number, counts: Counts, mode: SchedulingMode = 'browser'): AssessDeps {
  const network = memoryNetwork(d, counts);
  const maxInFlight = mode === 'CLI before (no prefetch, limit 64)' || mode === 'CLI, prefetch, limit 64' ? 64 : undefined;
  const resolver = createCachingResolver(createDohResolver({ urls: ['https://doh.bench.test/dns-query'], fetch: network, timeoutMs: 5_000, ...(maxInFlight ? { maxInFlight } : {}) }));
  if (mode === 'browser') return { resolver, fetch: network, policyCache: createMemoryPolicyCache() };
  const fetch: FetchLike = async (input, init) => {
    const host = new URL(input).hostname;
    const [a, aaaa] = await Promise.all([resolver.query(host, 'A'), resolver.query(host, 'AAAA')]);
    if (a.records.length === 0 && aaaa.records.length === 0) throw new TypeError(`${host} has no address`);
    return network(input, init);
  };
  return { resolver, fetch, policyCache: createMemoryPolicyCache(), prefetchPolicyHost: mode !== 'CLI before (no prefetch, limit 64)' };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface SchedulingRow { mode: SchedulingMode; d: number; coldMs: number; batchMs: number; queries: number; dupQueries: number; fetches: number; dupFetches: number }

export async function benchScheduling(delays = [25, 50], runs = 7, modes: SchedulingMode[] = SCHEDULING_MODES): Promise<SchedulingRow[]> {
  const rows: SchedulingRow[] = [];
  const addresses = benchAddresses();
  await assessAddresses(addresses, deps(0, { queries: [], fetches: [] })); // warm the JIT
  for (const mode of modes) for (const d of delays) {
    const cold: number[] = [];
    const batch: number[] = [];
    let counts: Counts = { queries: [], fetches: [] };
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const one = await assessDomain(benchDomain(1), deps(d, { queries: [], fetches: [] }, mode));
      cold.push(performance.now() - t0);
      if (one.level !== 'protected') throw new Error(`${benchDomain(1)} assessed ${one.level}`);
      counts = { queries: [], fetches: [] };
      const t1 = performance.now();
      const all = await assessAddresses(addresses, deps(d, counts, mode));
      batch.push(performance.now() - t1);
      if (all.length !== BENCH_DOMAINS || all.some((a) => a.level !== 'protected')) throw new Error('batch gave unexpected verdicts');
    }
    rows.push({
      mode,
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
    '| policy host resolved by | D (ms) | cold 1 domain (ms) | cold / D | target ≤ 2.3·D+15 | 50 addr / 20 domains (ms) | batch / D (target ≤ 4) | DNS queries (dup) | policy fetches (dup) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const target = 2.3 * r.d + 15;
    lines.push(`| ${r.mode} | ${r.d} | ${r.coldMs.toFixed(1)} | ${(r.coldMs / r.d).toFixed(2)} | ${target.toFixed(1)} ${r.coldMs <= target ? '✓' : '✗'} | ${r.batchMs.toFixed(1)} | ${(r.batchMs / r.d).toFixed(2)} ${r.batchMs <= 4 * r.d ? '✓' : '✗'} | ${r.queries} (${r.dupQueries}) | ${r.fetches} (${r.dupFetches}) |`);
  }
  return lines.join('\n');
}
