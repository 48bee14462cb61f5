import { describe, expect, it } from 'vitest';
import type { DnsResult, FetchLike, Resolver, RRType } from '../../../src/core/index.ts';
import { fetchWithDeadline, resolverWithDeadline } from '../../../src/cli/check/deadline.ts';
import { watchReachability } from '../../../src/cli/check/reachability.ts';

const answer = <T extends RRType>(name: string, type: T, outcome: DnsResult['outcome'] = 'answer', error?: string): DnsResult<T> => ({
  name, type, outcome, secure: false, records: [], ttl: 60, cnames: [], ...(error ? { error } : {}),
});

/** A resolver that answers only when told to, and records the signals it was given. */
function heldResolver() {
  const signals: (AbortSignal | undefined)[] = [];
  const release: (() => void)[] = [];
  const resolver: Resolver = {
    query<T extends RRType>(name: string, type: T, signal?: AbortSignal) {
      signals.push(signal);
      return new Promise<DnsResult<T>>((resolve) => release.push(() => resolve(answer(name, type))));
    },
  };
  return { resolver, signals, release };
}

describe('resolverWithDeadline', () => {
  it('passes answers through before the deadline', async () => {
    const held = heldResolver();
    const deadline = new AbortController();
    const pending = resolverWithDeadline(held.resolver, deadline.signal).query('a.example', 'MX');
    held.release[0]!();
    expect((await pending).outcome).toBe('answer');
  });

  it('at the deadline, open queries end as timeouts naming --timeout and the query behind is aborted', async () => {
    const held = heldResolver();
    const deadline = new AbortController();
    const resolver = resolverWithDeadline(held.resolver, deadline.signal);
    const pending = resolver.query('a.example', 'MX');
    deadline.abort(new Error('no answer within the --timeout of 1500 ms'));
    expect(await pending).toMatchObject({ outcome: 'timeout', records: [], ttl: 0, error: 'a.example MX: no answer within the --timeout of 1500 ms.' });
    expect(held.signals[0]?.aborted).toBe(true);
    expect((await resolver.query('b.example', 'A')).outcome).toBe('timeout');
    expect(held.signals).toHaveLength(1);
  });
});

describe('fetchWithDeadline', () => {
  it('aborts the request at the deadline, and still forwards the caller\'s own signal', async () => {
    const seen: AbortSignal[] = [];
    const inner: FetchLike = (_url, init) => {
      seen.push(init!.signal!);
      return new Promise<Response>(() => {});
    };
    const deadline = new AbortController();
    const own = new AbortController();
    const fetch = fetchWithDeadline(inner, deadline.signal);
    void fetch('https://a.example/', { signal: own.signal });
    void fetch('https://b.example/');
    own.abort();
    expect(seen.map((s) => s.aborted)).toEqual([true, false]);
    deadline.abort();
    expect(seen[1]!.aborted).toBe(true);
  });
});

describe('watchReachability', () => {
  const fixed = (results: DnsResult[]): Resolver => {
    let i = 0;
    return { query: async () => results[i++] as never };
  };

  it('reports the first failure when no query was answered', async () => {
    const watch = watchReachability(fixed([answer('a', 'MX', 'error', 'dns.example could not be reached: ENOTFOUND'), answer('b', 'TXT', 'timeout', 'later')]));
    await watch.resolver.query('a', 'MX');
    await watch.resolver.query('b', 'TXT');
    expect(watch.unreachable()).toBe('dns.example could not be reached: ENOTFOUND');
  });

  it('stays quiet once any resolver answered, SERVFAIL and NXDOMAIN included', async () => {
    for (const outcome of ['answer', 'nodata', 'nxdomain', 'servfail'] as const) {
      const watch = watchReachability(fixed([answer('a', 'MX', 'error', 'x'), answer('b', 'MX', outcome)]));
      await watch.resolver.query('a', 'MX');
      await watch.resolver.query('b', 'MX');
      expect(watch.unreachable(), outcome).toBeUndefined();
    }
    expect(watchReachability(fixed([])).unreachable()).toBeUndefined();
  });
});
