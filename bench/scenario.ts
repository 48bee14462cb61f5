// The benchmark's recipient list, shared by engine.ts (real HTTPS, world-worker.ts) and
// engine-scheduling.ts (in-memory network): 20 domains with MTA-STS enforce, half of them on one
// shared MX pair, and 50 addresses spread over them.
import type { RecordSet } from '../test/support/zone.ts';

export const BENCH_DOMAINS = 20;
export const BENCH_APEX = 'bench.test';

export const benchDomain = (i: number): string => `d${i}.${BENCH_APEX}`;

/** 50 addresses over the 20 domains, in recipient-list order. */
export const benchAddresses = (): string[] =>
  Array.from({ length: 50 }, (_, i) => `user${i}@${benchDomain((i % BENCH_DOMAINS) + 1)}`);

/**
 * The DNS records (to add to a zone with apex BENCH_APEX) and the policy file per policy host.
 * `policyHostIp`: the A record of each mta-sts. host, when names are resolved through DNS.
 */
export function benchScenario(policyHostIp?: string): { records: Record<string, RecordSet>; policies: Map<string, string> } {
  const records: Record<string, RecordSet> = {};
  const policies = new Map<string, string>();
  for (let i = 1; i <= BENCH_DOMAINS; i++) {
    const d = benchDomain(i);
    records[d] = { MX: i % 2 === 0 ? [`10 mx1.shared.${BENCH_APEX}`, `20 mx2.shared.${BENCH_APEX}`] : [`10 mx.${d}`] };
    if (i % 2 === 1) records[`mx.${d}`] = { A: ['192.0.2.10'] };
    records[`_mta-sts.${d}`] = { TXT: ['v=STSv1; id=b1'] };
    if (policyHostIp !== undefined) records[`mta-sts.${d}`] = { A: [policyHostIp] };
    policies.set(`mta-sts.${d}`, `version: STSv1\nmode: enforce\nmx: mx.${d}\nmx: *.shared.${BENCH_APEX}\nmax_age: 86400\n`);
  }
  records[`mx1.shared.${BENCH_APEX}`] = { A: ['192.0.2.11'] };
  records[`mx2.shared.${BENCH_APEX}`] = { A: ['192.0.2.12'] };
  return { records, policies };
}
