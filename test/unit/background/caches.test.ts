// The assessment cache (storage.session), the MTA-STS policy cache (storage.local) and the
// assessment service in front of the engine.
import { describe, expect, it, vi } from 'vitest';
import { compactAssessment, createAssessmentCache, MAX_LIST_ENTRIES } from '../../../src/background/assessment-cache.ts';
import { cacheKey, createAssessmentService } from '../../../src/background/assessment-service.ts';
import { createPolicyCache, createSwitchablePolicyCache, type CachedPolicy } from '../../../src/background/policy-cache.ts';
import { memoryArea } from '../../../src/background/storage-area.ts';
import type { AssessDeps, Assessment } from '../../../src/core/index.ts';
import { assessment, deferred, largeAssessment, quotaArea } from './fakes.ts';

const policy = (fetchedAt: number, expiresAt: number): CachedPolicy => ({
  id: '20240101', policy: { version: 'STSv1', mode: 'enforce', mx: ['mx.example.com'], maxAge: 86400 }, fetchedAt, expiresAt,
});

describe('assessment cache', () => {
  it('serves an entry until expiresAt and survives a reload from the same area', async () => {
    let now = 1_000;
    const area = memoryArea();
    const cache = createAssessmentCache(area, { now: () => now });
    await cache.load();
    await cache.set('any|example.com', assessment('example.com', 'unverified', { now: 1_000, ttl: 5_000 }));

    const reloaded = createAssessmentCache(area, { now: () => now });
    await reloaded.load();
    expect(reloaded.get('any|example.com')?.level).toBe('unverified');
    now = 6_000;
    expect(reloaded.get('any|example.com')).toBeUndefined();
  });

  it('drops expired entries on load and keeps at most maxEntries', async () => {
    const area = memoryArea();
    const writer = createAssessmentCache(area, { now: () => 0, maxEntries: 100 });
    for (let i = 0; i < 5; i++) await writer.set(`any|d${i}.example`, assessment(`d${i}.example`, 'encrypted', { now: 0, ttl: 1_000 * (i + 1) }));
    const cache = createAssessmentCache(area, { now: () => 1_500, maxEntries: 2 });
    await cache.load();
    // d0 expired at 1000; of the four live ones the two expiring last are kept.
    expect(cache.keys().sort()).toEqual(['any|d3.example', 'any|d4.example']);
    expect([...area.data.keys()].sort()).toEqual(['assess:any|d3.example', 'assess:any|d4.example']);
  });

  it('ignores damaged stored entries', async () => {
    const cache = createAssessmentCache(memoryArea({ 'assess:any|x.example': { level: 'protected' } }), { now: () => 0 });
    await cache.load();
    expect(cache.get('any|x.example')).toBeUndefined();
  });
});

describe('policy cache', () => {
  it('returns a live policy and forgets an expired one (RFC 8461 s5.1)', async () => {
    let now = 10;
    const area = memoryArea();
    const cache = createPolicyCache(area, { now: () => now });
    await cache.set('example.com', policy(0, 100));
    expect(await cache.get('example.com')).toEqual(policy(0, 100));
    now = 100;
    expect(await cache.get('example.com')).toBeUndefined();
    expect(area.data.size).toBe(0);
  });

  it('keeps a bounded number of policies, dropping those that expire first', async () => {
    const area = memoryArea();
    const cache = createPolicyCache(area, { now: () => 0, maxEntries: 2 });
    await cache.set('a.example', policy(0, 300));
    await cache.set('b.example', policy(0, 100));
    await cache.set('c.example', policy(0, 200));
    expect([...area.data.keys()].sort()).toEqual(['mtasts:a.example', 'mtasts:c.example']);
  });

  it('caps an entry at one year after its fetch (max_age limit of RFC 8461 s3.2)', async () => {
    const cache = createPolicyCache(memoryArea(), { now: () => 0 });
    await cache.set('example.com', policy(0, 10 * 31_557_600_000));
    expect((await cache.get('example.com'))?.expiresAt).toBe(31_557_600_000);
  });

  it('deletes', async () => {
    const cache = createPolicyCache(memoryArea(), { now: () => 0 });
    await cache.set('example.com', policy(0, 100));
    await cache.delete('example.com');
    expect(await cache.get('example.com')).toBeUndefined();
  });
});

describe('assessment service', () => {
  function setup() {
    const pending = new Map<string, ReturnType<typeof deferred<Assessment>>>();
    const assess = vi.fn((domain: string, _deps: AssessDeps) => {
      const d = deferred<Assessment>();
      pending.set(domain, d);
      return d.promise;
    });
    const cache = createAssessmentCache(memoryArea(), { now: () => 1_000 });
    const deps = { resolver: { query: vi.fn() }, fetch: null } as unknown as Omit<AssessDeps, 'sender'>;
    const service = createAssessmentService({ assess, cache, deps: () => deps, now: () => 1_000 });
    return { assess, pending, service };
  }
  const flush = () => new Promise<void>((r) => queueMicrotask(r));

  it('shares one promise between concurrent requests for a domain', async () => {
    const { assess, pending, service } = setup();
    const a = service.assess('example.com', undefined);
    const b = service.assess('example.com', undefined);
    await flush();
    expect(assess).toHaveBeenCalledTimes(1);
    expect(service.inFlight('example.com', undefined)).toBe(true);
    pending.get('example.com')?.resolve(assessment('example.com', 'encrypted'));
    expect(await a).toBe(await b);
    expect(service.cached('example.com', undefined)?.level).toBe('encrypted');
    await service.assess('example.com', undefined);
    expect(assess).toHaveBeenCalledTimes(1);
  });

  it('keeps results per sender capability and passes the sender to the engine', async () => {
    const { assess, pending, service } = setup();
    const gmail = { mtaSts: true, dane: false };
    void service.assess('example.com', gmail);
    await flush();
    expect(assess.mock.calls[0]?.[1].sender).toEqual(gmail);
    pending.get('example.com')?.resolve(assessment('example.com', 'protected'));
    await service.assess('example.com', gmail);
    expect(service.cached('example.com', undefined)).toBeUndefined();
    expect(cacheKey('example.com', gmail)).not.toBe(cacheKey('example.com', undefined));
  });

  it('turns an engine exception into "unknown", never a rejection', async () => {
    const cache = createAssessmentCache(memoryArea(), { now: () => 0 });
    const service = createAssessmentService({ assess: async () => { throw new Error('boom'); }, cache, deps: () => ({}) as never, now: () => 0 });
    const result = await service.assess('example.com', undefined);
    expect(result.level).toBe('unknown');
    expect(result.reasons[0]?.code).toBe('extension.engine-error');
  });

  it('forgets domains so that the next request checks again', async () => {
    const { assess, pending, service } = setup();
    void service.assess('example.com', undefined);
    await flush();
    pending.get('example.com')?.resolve(assessment('example.com', 'unverified'));
    await service.assess('example.com', undefined);
    await service.forget(['example.com']);
    expect(service.cached('example.com', undefined)).toBeUndefined();
    void service.assess('example.com', undefined);
    await flush();
    expect(assess).toHaveBeenCalledTimes(2);
  });

  it('does not write back a result that started before forgetAll', async () => {
    const { pending, service } = setup();
    const old = service.assess('example.com', undefined);
    await flush();
    await service.forgetAll();
    pending.get('example.com')?.resolve(assessment('example.com', 'unverified'));
    await old;
    expect(service.cached('example.com', undefined)).toBeUndefined();
  });
});

describe('assessment cache in a full storage.session', () => {
  it('stores only what the popup shows: capped lists and strings, the verdict unchanged', () => {
    const big = largeAssessment('big.example', 'protected', 0);
    big.reasons = Array.from({ length: 50 }, (_, i) => ({ code: `c${i}`, message: 'x'.repeat(2_000), severity: 'info' as const }));
    const small = compactAssessment(big);
    expect(small.level).toBe('protected');
    expect(small.evidence.mx.hosts).toHaveLength(MAX_LIST_ENTRIES);
    expect(small.evidence.mtaSts.mx).toHaveLength(MAX_LIST_ENTRIES);
    expect(small.reasons).toHaveLength(MAX_LIST_ENTRIES);
    expect(small.reasons[0]?.message.length).toBe(500);
    expect(JSON.stringify(small).length).toBeLessThan(JSON.stringify(big).length / 10);
  });

  it('evicts the stored entries that expire soonest when a write fails, keeps the result in memory, and counts it', async () => {
    const one = JSON.stringify(compactAssessment(largeAssessment('d0.example', 'encrypted', 0))).length;
    // Room for about ten compacted results: the later ones no longer fit without eviction.
    const area = quotaArea(10 * (one + 40));
    const cache = createAssessmentCache(area, { now: () => 0 });
    for (let i = 0; i < 16; i++) await cache.set(`any|d${i}.example`, largeAssessment(`d${i}.example`, 'encrypted', i));
    const stats = cache.stats();
    expect(stats.writeFailures).toBeGreaterThan(0);
    expect(stats.writesRecovered).toBe(stats.writeFailures);
    expect(stats.stored + stats.memoryOnly).toBe(16);
    expect(cache.get('any|d15.example')?.level).toBe('encrypted');
    expect(area.data.has('assess:any|d15.example')).toBe(true);
    // The oldest (expiring first) made room.
    expect(area.data.has('assess:any|d0.example')).toBe(false);
  });

  it('keeps a result in memory only when storage.session refuses it even after making room', async () => {
    const area = quotaArea(10_000_000);
    area.refuse = () => true;
    const cache = createAssessmentCache(area, { now: () => 0 });
    await expect(cache.set('any|a.example', assessment('a.example', 'protected', { now: 0 }))).resolves.toBeUndefined();
    expect(cache.get('any|a.example')?.level).toBe('protected');
    expect(cache.stats()).toMatchObject({ stored: 0, memoryOnly: 1, writeFailures: 1, writesRecovered: 0 });
  });
});

describe('policy cache on disk or in memory (setting policyCache)', () => {
  it('keeps policies on disk by default, in storage.session in memory mode, and deletes the disk copies when switched', async () => {
    const disk = memoryArea();
    const memory = memoryArea();
    const cache = createSwitchablePolicyCache({ disk, memory }, 'disk', { now: () => 0 });
    await cache.set('example.com', policy(0, 86_400_000));
    expect([...disk.data.keys()]).toEqual(['mtasts:example.com']);
    expect(await cache.count()).toBe(1);

    await cache.setMode('memory');
    expect([...disk.data.keys()]).toEqual([]);
    await cache.set('example.org', policy(0, 86_400_000));
    expect([...memory.data.keys()]).toEqual(['mtasts:example.org']);
    expect(await cache.get('example.org')).toBeDefined();
    expect(await cache.get('example.com')).toBeUndefined();

    await cache.clear();
    expect([...memory.data.keys()]).toEqual([]);
  });
});
