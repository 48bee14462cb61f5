// The service's caches (src/service/caches.ts, kv/memory.ts): TTLs, bounds, the memory copy that
// answers while the shared store cannot, and corrupted shared entries read as misses.
import { describe, expect, it } from 'vitest';
import type { Assessment, CachedPolicy } from '../../../src/core/index.ts';
import { assessmentKey, createAssessmentCache, createServicePolicyCache } from '../../../src/service/caches.ts';
import { refusedAssessment } from '../../../src/service/engine.ts';
import { KvUnavailable, type Kv } from '../../../src/service/kv/kv.ts';
import { createLru, createMemoryKv } from '../../../src/service/kv/memory.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

/** A shared store that can be switched off (every operation then throws KvUnavailable). */
function switchable(inner: Kv): Kv & { down: boolean; reads: number } {
  const store = {
    kind: 'redis' as const,
    down: false,
    reads: 0,
    async get(key: string) {
      store.reads++;
      if (store.down) throw new KvUnavailable('down');
      return inner.get(key);
    },
    async getMany(keys: readonly string[]) {
      store.reads++;
      if (store.down) throw new KvUnavailable('down');
      return inner.getMany(keys);
    },
    async set(key: string, value: string, ttl: number) {
      if (store.down) throw new KvUnavailable('down');
      return inner.set(key, value, ttl);
    },
    async del(key: string) {
      if (store.down) throw new KvUnavailable('down');
      return inner.del(key);
    },
  };
  return store;
}

const policy = (id: string, fetchedAt: number): CachedPolicy => ({
  id,
  policy: { version: 'STSv1', mode: 'enforce', mx: ['*.example.com'], maxAge: 86_400 },
  fetchedAt,
  expiresAt: fetchedAt + 86_400_000,
});

describe('memory stores', () => {
  it('expire at the TTL and evict the least recently used', () => {
    const c = clock();
    const lru = createLru<string>({ maxEntries: 2, now: c.now });
    lru.set('a', 'A', 1000);
    lru.set('b', 'B', 1000);
    expect(lru.get('a')).toBe('A'); // a is now the most recent
    lru.set('c', 'C', 1000);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe('A');
    c.advance(1000);
    expect(lru.get('a')).toBeUndefined();
    lru.set('d', 'D', 0);
    expect(lru.get('d')).toBeUndefined();
  });

  it('the memory Kv answers getMany in order', async () => {
    const kv = createMemoryKv({ maxEntries: 10 });
    await kv.set('x', '1', 1000);
    expect(await kv.getMany(['y', 'x'])).toEqual([undefined, '1']);
  });
});

describe('policy cache (RFC 8461 s3.3 state)', () => {
  it('reads the shared store first: a policy stored by another instance applies here', async () => {
    const c = clock();
    const shared = createMemoryKv({ maxEntries: 10, now: c.now });
    const a = createServicePolicyCache({ shared, now: c.now });
    const b = createServicePolicyCache({ shared, now: c.now });
    await a.set('example.com', policy('1', c.now()));
    expect(await b.get('example.com')).toEqual(policy('1', c.now()));
  });

  it('answers from its memory copy while the shared store is down, and counts the failures', async () => {
    const c = clock();
    const shared = switchable(createMemoryKv({ maxEntries: 10, now: c.now }));
    const stats = { failures: 0 };
    const cache = createServicePolicyCache({ shared, now: c.now, stats });
    await cache.set('example.com', policy('1', c.now()));
    shared.down = true;
    expect(await cache.get('example.com')).toEqual(policy('1', c.now()));
    await cache.set('example.org', policy('2', c.now()));
    expect(await cache.get('example.org')).toMatchObject({ id: '2' });
    expect(stats.failures).toBe(3);
  });

  it('prefers the shared store over an older memory copy (a new id stored by another instance)', async () => {
    const c = clock();
    const shared = createMemoryKv({ maxEntries: 10, now: c.now });
    const a = createServicePolicyCache({ shared, now: c.now });
    const b = createServicePolicyCache({ shared, now: c.now });
    await b.set('example.com', policy('old', c.now()));
    await a.set('example.com', policy('new', c.now()));
    expect(await b.get('example.com')).toMatchObject({ id: 'new' });
  });

  it('keeps entries until max_age and reads a corrupted shared entry as absent', async () => {
    const c = clock();
    const shared = createMemoryKv({ maxEntries: 10, now: c.now });
    const cache = createServicePolicyCache({ shared, now: c.now });
    await cache.set('example.com', policy('1', c.now()));
    c.advance(86_400_000);
    expect(await cache.get('example.com')).toBeUndefined();
    await shared.set('pol:bad.example', '{"id": 1', 1000);
    await shared.set('pol:worse.example', JSON.stringify({ id: '1', policy: { version: 'STSv2' } }), 1000);
    expect(await cache.get('bad.example')).toBeUndefined();
    expect(await cache.get('worse.example')).toBeUndefined();
  });
});

describe('assessment cache', () => {
  const assessment = (domain: string, now: number): Assessment => refusedAssessment(domain, 'special-use', now);

  it('keys by sender capabilities and domain', () => {
    expect(assessmentKey('example.com', undefined)).toBe('asm:any:example.com');
    expect(assessmentKey('example.com', { mtaSts: true, dane: false })).toBe('asm:m1d0:example.com');
  });

  it('memory first, then one shared read for the rest; a shared hit is kept in memory', async () => {
    const c = clock();
    const shared = switchable(createMemoryKv({ maxEntries: 10, now: c.now }));
    const a = createAssessmentCache({ shared, now: c.now });
    const b = createAssessmentCache({ shared, now: c.now });
    await a.set('asm:any:one.example', assessment('one.example', c.now()));
    const reads = shared.reads;
    expect((await a.getMany(['asm:any:one.example']))[0]?.domain).toBe('one.example');
    expect(shared.reads).toBe(reads); // a memory hit
    const [one, two] = await b.getMany(['asm:any:one.example', 'asm:any:two.example']);
    expect(one?.domain).toBe('one.example');
    expect(two).toBeUndefined();
    expect(shared.reads).toBe(reads + 1);
    shared.down = true;
    expect((await b.getMany(['asm:any:one.example']))[0]?.domain).toBe('one.example');
  });

  it('a shared store that is down is a miss, never an error', async () => {
    const c = clock();
    const shared = switchable(createMemoryKv({ maxEntries: 10, now: c.now }));
    shared.down = true;
    const stats = { failures: 0 };
    const cache = createAssessmentCache({ shared, now: c.now, stats });
    await cache.set('asm:any:x.example', assessment('x.example', c.now()));
    expect(await createAssessmentCache({ shared, now: c.now, stats }).getMany(['asm:any:x.example'])).toEqual([undefined]);
    expect(stats.failures).toBe(2);
  });

  it('drops expired and malformed shared entries', async () => {
    const c = clock();
    const shared = createMemoryKv({ maxEntries: 10, now: c.now });
    await shared.set('asm:any:bad.example', '{"domain": "bad.example", "level": "safe"}', 60_000);
    const stale = { ...assessment('old.example', c.now()), expiresAt: c.now() - 1 };
    await shared.set('asm:any:old.example', JSON.stringify(stale), 60_000);
    const cache = createAssessmentCache({ shared, now: c.now });
    expect(await cache.getMany(['asm:any:bad.example', 'asm:any:old.example'])).toEqual([undefined, undefined]);
  });
});
