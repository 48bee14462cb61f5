// The service's assessment orchestration (src/service/engine.ts) over the real engine with a
// resolver stub: refused names make no query, the cache answers hits, concurrent requests share
// one lookup, and results come back one per distinct entry, in order.
import { describe, expect, it } from 'vitest';
import { assessAddresses, type DnsResult, type Resolver, type RRType } from '../../../src/core/index.ts';
import { createAssessmentCache } from '../../../src/service/caches.ts';
import { createServiceEngine } from '../../../src/service/engine.ts';
import { createNamePolicy } from '../../../src/service/names.ts';

/** Every name is NXDOMAIN; queries are recorded; answers wait for `gate` when given. */
function stubResolver(gate?: Promise<void>): Resolver & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    async query<T extends RRType>(name: string, type: T): Promise<DnsResult<T>> {
      queries.push(`${type} ${name}`);
      await gate;
      return { name, type, outcome: 'nxdomain', secure: false, records: [], ttl: 300, cnames: [] };
    },
  };
}

const clock = () => 1_800_000_000_000;

function engineWith(resolver: Resolver, allowSpecialUse = false) {
  return createServiceEngine({
    deps: { resolver, fetch: null, now: clock },
    cache: createAssessmentCache({ now: clock }),
    names: createNamePolicy({ allowSpecialUse, refuse: ['corp.example.com'] }),
    now: clock,
  });
}

describe('service engine', () => {
  it('gives what assessAddresses gives for the same domains, plus expiresIn and cache', async () => {
    const resolver = stubResolver();
    const engine = engineWith(resolver);
    const entries = ['a.example.com', 'B.example.com', 'a.example.com.', 'xn--bcher-kva.example.net', 'not a domain', '[192.0.2.1]'];
    const { results, hits, misses } = await engine.assess(entries, undefined);
    const direct = await assessAddresses(entries, { resolver: stubResolver(), fetch: null, now: clock });
    expect(results.map(({ expiresIn: _e, cache: _c, ...rest }) => rest)).toEqual(direct);
    expect(results.map((r) => r.cache)).toEqual(['miss', 'miss', 'miss', undefined, undefined]);
    expect(results[0]?.expiresIn).toBe(Math.floor((direct[0]!.expiresAt - clock()) / 1000));
    expect([hits, misses]).toEqual([0, 3]);
  });

  it('refuses special-use and configured names without a single query', async () => {
    const resolver = stubResolver();
    const { results, refused } = await engineWith(resolver).assess(['enforce.test', 'hr.corp.example.com', 'localhost.', 'printer.local'], undefined);
    expect(resolver.queries).toEqual([]);
    expect(refused).toBe(3);
    expect(results.map((r) => [r.domain, r.level, r.reasons[0]?.code])).toEqual([
      ['enforce.test', 'unknown', 'service.refused-domain'],
      ['hr.corp.example.com', 'unknown', 'service.refused-domain'],
      ['localhost.', 'unknown', 'address.domain-single-label'],
      ['printer.local', 'unknown', 'service.refused-domain'],
    ]);
  });

  it('answers again from the cache (per sender), and fresh skips it', async () => {
    const resolver = stubResolver();
    const engine = engineWith(resolver);
    await engine.assess(['a.example.com'], undefined);
    const asked = resolver.queries.length;
    const again = await engine.assess(['a.example.com'], undefined);
    expect(again).toMatchObject({ hits: 1, misses: 0 });
    expect(again.results[0]?.cache).toBe('hit');
    expect(resolver.queries.length).toBe(asked);
    const gmail = await engine.assess(['a.example.com'], { mtaSts: true, dane: false });
    expect(gmail.results[0]).toMatchObject({ cache: 'miss', evidence: { sender: { mtaSts: true, dane: false } } });
    const fresh = await engine.assess(['a.example.com'], undefined, { fresh: true });
    expect(fresh).toMatchObject({ hits: 0, misses: 1 });
    expect(resolver.queries.length).toBeGreaterThan(asked);
  });

  it('concurrent requests for one domain share one lookup', async () => {
    let open: () => void = () => {};
    const resolver = stubResolver(new Promise<void>((resolve) => { open = resolve; }));
    const engine = engineWith(resolver);
    const first = engine.assess(['a.example.com'], undefined);
    const second = engine.assess(['a.example.com', 'b.example.com'], undefined);
    await Promise.resolve();
    open();
    const [a, b] = await Promise.all([first, second]);
    expect(a.results[0]).toEqual(b.results[0]);
    expect(resolver.queries.filter((q) => q === 'MX a.example.com')).toHaveLength(1);
  });

  it('does not hand out the cached object itself (expiresIn is added to a copy)', async () => {
    const engine = engineWith(stubResolver());
    const one = await engine.assess(['a.example.com'], undefined);
    const two = await engine.assess(['a.example.com'], undefined);
    expect(one.results[0]).not.toBe(two.results[0]);
    expect(one.results[0]?.cache).toBe('miss');
  });
});
