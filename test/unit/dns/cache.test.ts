import { describe, expect, it } from 'vitest';
import { createCachingResolver } from '../../../src/core/dns/index.ts';
import type { DnsOutcome, DnsResult, Resolver, RRType } from '../../../src/core/types.ts';

function result<T extends RRType>(name: string, type: T, outcome: DnsOutcome, ttl: number): DnsResult<T> {
  return { name, type, outcome, secure: false, records: [], ttl, cnames: [] };
}

/** An inner resolver whose answers the test releases by hand. */
function controlledInner(answer: (name: string, type: RRType) => DnsResult = (n, t) => result(n, t, 'answer', 300)) {
  const calls: { name: string; type: RRType; signal?: AbortSignal }[] = [];
  const waiting: (() => void)[] = [];
  const resolver: Resolver = {
    query<T extends RRType>(name: string, type: T, signal?: AbortSignal): Promise<DnsResult<T>> {
      calls.push({ name, type, signal });
      return new Promise((resolve) => {
        waiting.push(() => resolve(answer(name, type) as DnsResult<T>));
        signal?.addEventListener('abort', () => resolve(result(name, type, 'error', 0)));
      });
    },
  };
  const releaseAll = () => waiting.splice(0).forEach((release) => release());
  return { resolver, calls, releaseAll };
}

/** An inner resolver that answers at once. */
function immediateInner(answer: (name: string, type: RRType, call: number) => DnsResult) {
  let count = 0;
  const resolver: Resolver = {
    async query<T extends RRType>(name: string, type: T): Promise<DnsResult<T>> {
      count++;
      return answer(name, type, count) as DnsResult<T>;
    },
  };
  return { resolver, count: () => count };
}

describe('createCachingResolver', () => {
  it('concurrent identical queries share one in-flight query', async () => {
    const inner = controlledInner();
    const cache = createCachingResolver(inner.resolver);
    const first = cache.query('Example.com', 'MX');
    const second = cache.query('example.com.', 'MX');
    const other = cache.query('example.com', 'TXT');
    expect(inner.calls.map((c) => `${c.name} ${c.type}`)).toEqual(['Example.com MX', 'example.com TXT']);
    inner.releaseAll();
    const [a, b] = await Promise.all([first, second, other]);
    expect(a).toBe(b);
    expect(cache.size()).toBe(2);
  });

  it('answers from the cache until the TTL runs out, with the remaining TTL', async () => {
    let now = 1_000_000;
    const inner = immediateInner((n, t) => result(n, t, 'answer', 300));
    const cache = createCachingResolver(inner.resolver, { now: () => now });
    expect((await cache.query('example.com', 'MX')).ttl).toBe(300);
    now += 100_000;
    expect((await cache.query('example.com', 'MX')).ttl).toBe(200);
    expect(inner.count()).toBe(1);
    now += 200_000;
    await cache.query('example.com', 'MX');
    expect(inner.count()).toBe(2);
  });

  it('caches denials for their TTL', async () => {
    let now = 0;
    const inner = immediateInner((n, t) => result(n, t, 'nxdomain', 60));
    const cache = createCachingResolver(inner.resolver, { now: () => now });
    await cache.query('gone.example', 'MX');
    now += 59_000;
    await cache.query('gone.example', 'MX');
    expect(inner.count()).toBe(1);
    now += 1_000;
    await cache.query('gone.example', 'MX');
    expect(inner.count()).toBe(2);
  });

  it.each(['timeout', 'error'] as const)('does not cache %s', async (outcome) => {
    const inner = immediateInner((n, t) => result(n, t, outcome, 0));
    const cache = createCachingResolver(inner.resolver);
    await cache.query('example.com', 'MX');
    await cache.query('example.com', 'MX');
    expect(inner.count()).toBe(2);
    expect(cache.size()).toBe(0);
  });

  it('keeps SERVFAIL for 30 seconds at most', async () => {
    let now = 0;
    const inner = immediateInner((n, t) => result(n, t, 'servfail', 300));
    const cache = createCachingResolver(inner.resolver, { now: () => now });
    expect((await cache.query('bogus.example', 'TLSA')).ttl).toBe(30);
    now += 29_000;
    await cache.query('bogus.example', 'TLSA');
    expect(inner.count()).toBe(1);
    now += 1_000;
    await cache.query('bogus.example', 'TLSA');
    expect(inner.count()).toBe(2);
  });

  it('clamps TTLs to minTtl and maxTtl', async () => {
    const inner = immediateInner((n, t) => result(n, t, 'answer', n === 'short.example' ? 5 : 100_000));
    const cache = createCachingResolver(inner.resolver, { minTtl: 60, maxTtl: 3600 });
    expect((await cache.query('short.example', 'A')).ttl).toBe(60);
    expect((await cache.query('long.example', 'A')).ttl).toBe(3600);
  });

  it('does not store TTL 0 answers', async () => {
    const inner = immediateInner((n, t) => result(n, t, 'answer', 0));
    const cache = createCachingResolver(inner.resolver);
    await cache.query('example.com', 'A');
    await cache.query('example.com', 'A');
    expect(inner.count()).toBe(2);
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const inner = immediateInner((n, t) => result(n, t, 'answer', 300));
    const cache = createCachingResolver(inner.resolver, { maxEntries: 2 });
    await cache.query('a.example', 'A');
    await cache.query('b.example', 'A');
    await cache.query('a.example', 'A'); // a is now the most recently used
    await cache.query('c.example', 'A'); // evicts b
    expect(cache.size()).toBe(2);
    expect(inner.count()).toBe(3);
    await cache.query('a.example', 'A');
    expect(inner.count()).toBe(3);
    await cache.query('b.example', 'A');
    expect(inner.count()).toBe(4);
  });

  it('clear() empties the cache and drops answers still in flight', async () => {
    const inner = controlledInner();
    const cache = createCachingResolver(inner.resolver);
    const pending = cache.query('example.com', 'A');
    cache.clear();
    inner.releaseAll();
    expect((await pending).outcome).toBe('answer');
    expect(cache.size()).toBe(0);
  });

  it('one waiter aborting leaves the shared query running for the others', async () => {
    const inner = controlledInner();
    const cache = createCachingResolver(inner.resolver);
    const controller = new AbortController();
    const aborted = cache.query('example.com', 'A', controller.signal);
    const kept = cache.query('example.com', 'A', new AbortController().signal);
    controller.abort();
    expect((await aborted).outcome).toBe('error');
    expect(inner.calls[0]?.signal?.aborted).toBe(false);
    inner.releaseAll();
    expect((await kept).outcome).toBe('answer');
  });

  it('the last waiter aborting aborts the inner query, and a later caller starts afresh', async () => {
    const inner = controlledInner();
    const cache = createCachingResolver(inner.resolver);
    const controller = new AbortController();
    const aborted = cache.query('example.com', 'A', controller.signal);
    controller.abort();
    expect((await aborted).error).toMatch(/aborted/);
    expect(inner.calls[0]?.signal?.aborted).toBe(true);
    const again = cache.query('example.com', 'A');
    expect(inner.calls).toHaveLength(2);
    inner.releaseAll();
    expect((await again).outcome).toBe('answer');
  });
});
