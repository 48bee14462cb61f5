// TEMPORARY STUB: the real assessment lands shortly. The signatures are final.
import type { Assessment, FetchLike, Resolver, SenderCapabilities } from './types.ts';

export interface PolicyCacheLike {
  get(domain: string): Promise<unknown>;
  set(domain: string, entry: never): Promise<void>;
}

export interface AssessDeps {
  resolver: Resolver;
  /** Fetch for MTA-STS policy files; null when not permitted (judged from DNS alone). */
  fetch: FetchLike | null;
  policyCache?: PolicyCacheLike;
  /** What the sending side enforces; undefined = unknown sender. */
  sender?: SenderCapabilities;
  now?: () => number;
  /** Timeout of one policy fetch, ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function assessDomain(domain: string, deps: AssessDeps): Promise<Assessment> {
  const now = (deps.now ?? Date.now)();
  return {
    domain,
    level: 'unknown',
    reasons: [{ code: 'engine.stub', message: 'Not checked yet.', severity: 'error' }],
    evidence: {
      mx: { status: 'error', hosts: [], implicit: false, nullMx: false },
      mtaSts: { record: 'lookup-failed', policy: 'not-applicable', warnings: [] },
      dane: { mxSecure: false, hosts: [] },
      tlsRpt: { record: 'lookup-failed', rua: [] },
    },
    checkedAt: now,
    expiresAt: now + 60_000,
  };
}

export async function assessAddresses(addresses: string[], deps: AssessDeps): Promise<Assessment[]> {
  const domains = [...new Set(addresses.map((a) => a.slice(a.lastIndexOf('@') + 1).toLowerCase()))];
  return Promise.all(domains.map((d) => assessDomain(d, deps)));
}
