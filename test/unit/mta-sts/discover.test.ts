import { describe, expect, it } from 'vitest';
import { discoverMtaSts, FAILURE_TTL } from '../../../src/core/mta-sts/discover.ts';
import { createMemoryPolicyCache, type CachedPolicy, type PolicyCache } from '../../../src/core/mta-sts/cache.ts';
import type { MtaStsPolicy } from '../../../src/core/types.ts';
import { FakeClock, FakePolicyHost, FakeResolver, policyResponse, txt } from './fakes.ts';

const DOMAIN = 'example.com';
const TXT_NAME = '_mta-sts.example.com TXT';
const URL_ = 'https://mta-sts.example.com/.well-known/mta-sts.txt';
const ENFORCE = 'version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 86400\n';
const TESTING = 'version: STSv1\nmode: testing\nmx: mx.example.org\nmax_age: 604800\n';
const enforcePolicy: MtaStsPolicy = { version: 'STSv1', mode: 'enforce', mx: ['mail.example.com', '*.example.net'], maxAge: 86400 };

function setup(answer = txt('v=STSv1; id=new1'), body: string | (() => Response) = ENFORCE) {
  const resolver = new FakeResolver({ [TXT_NAME]: answer });
  const host = new FakePolicyHost(() => (typeof body === 'string' ? policyResponse(body) : body()));
  const clock = new FakeClock();
  const cache = createMemoryPolicyCache();
  const run = (fetch: 'host' | null = 'host') => discoverMtaSts(DOMAIN, { resolver, fetch: fetch === null ? null : host.fetch, cache, now: clock.now });
  return { resolver, host, clock, cache, run };
}

/** A cache entry as a previous successful fetch would have left it. */
async function seed(cache: PolicyCache, clock: FakeClock, id: string, policy: MtaStsPolicy = { version: 'STSv1', mode: 'testing', mx: ['old.example.com'], maxAge: 3600 }): Promise<CachedPolicy> {
  const entry = { id, policy, fetchedAt: clock.ms, expiresAt: clock.ms + policy.maxAge * 1000 };
  await cache.set(DOMAIN, entry);
  return entry;
}

describe('MTA-STS discovery (RFC 8461 s3, s5.1)', () => {
  it('RFC 8461 s3.1: queries TXT _mta-sts.<domain>, then fetches the policy', async () => {
    const { resolver, host, run } = setup();
    const result = await run();
    expect(resolver.queries).toEqual([TXT_NAME]);
    expect(host.requests).toEqual([URL_]);
    expect(result.evidence).toEqual({
      record: 'valid',
      id: 'new1',
      policy: 'fetched',
      policyUrl: URL_,
      mode: 'enforce',
      mx: ['mail.example.com', '*.example.net'],
      maxAge: 86400,
      warnings: [],
    });
    expect(result.policy).toEqual(enforcePolicy);
    expect(result.ttl).toBe(3600); // the TXT TTL is shorter than max_age
  });

  it('RFC 8461 s3.1, s5.1: NXDOMAIN or NODATA means no policy and no fetch', async () => {
    for (const outcome of ['nxdomain', 'nodata'] as const) {
      const { host, run } = setup({ outcome, ttl: 900 });
      const result = await run();
      expect(result.evidence).toEqual({ record: 'absent', policy: 'not-applicable', warnings: [] });
      expect(result.policy).toBeNull();
      expect(result.ttl).toBe(900);
      expect(host.requests).toEqual([]);
    }
  });

  it('RFC 8461 s3.1, s5.1: SERVFAIL, a timeout or a resolver error is lookup-failed (the verdict will be unknown)', async () => {
    for (const answer of [{ outcome: 'servfail' as const }, { outcome: 'timeout' as const, error: 'no answer in 3 s' }, { outcome: 'error' as const }, 'throw' as const]) {
      const { host, run } = setup(answer);
      const result = await run();
      expect(result.evidence.record).toBe('lookup-failed');
      expect(result.evidence.policy).toBe('not-applicable');
      expect(result.evidence.problem?.code).toBe('mta-sts.record.lookup-failed');
      expect(result.policy).toBeNull();
      expect(result.ttl).toBeLessThanOrEqual(60);
      expect(host.requests).toEqual([]);
    }
  });

  it('RFC 8461 s3.1: several records or an invalid one: record invalid, no fetch', async () => {
    const multiple = setup(txt('v=STSv1; id=1', 'v=STSv1; id=2'));
    const r1 = await multiple.run();
    expect(r1.evidence).toMatchObject({ record: 'invalid', policy: 'not-applicable', problem: { code: 'mta-sts.record.multiple' } });
    expect(multiple.host.requests).toEqual([]);
    const broken = setup(txt('v=STSv1; id=a;;'));
    const r2 = await broken.run();
    expect(r2.evidence).toMatchObject({ record: 'invalid', policy: 'not-applicable', problem: { code: 'mta-sts.record.invalid' } });
    const unrelated = setup(txt('v=spf1 -all'));
    expect((await unrelated.run()).evidence.record).toBe('absent');
  });

  it('RFC 8461 s8.2: a delegated _mta-sts (CNAME) answer is used like any other', async () => {
    const { resolver, run } = setup();
    resolver.answers[TXT_NAME] = { outcome: 'answer', records: [['v=STSv1; ', 'id=deleg1']], ttl: 60 };
    const result = await run();
    expect(result.evidence).toMatchObject({ record: 'valid', id: 'deleg1', policy: 'fetched' });
  });

  it('RFC 8461 s5: valid record, failed fetch, no cache: fetch-failed with the problem', async () => {
    const { run } = setup(txt('v=STSv1; id=1'), () => new Response('gone', { status: 404 }));
    const result = await run();
    expect(result.evidence).toMatchObject({ record: 'valid', id: '1', policy: 'fetch-failed', policyUrl: URL_, problem: { code: 'mta-sts.fetch.not-found' } });
    expect(result.evidence.problem).not.toHaveProperty('kind');
    expect(result.policy).toBeNull();
  });

  it('RFC 8461 s3.3: a failed fetch is not retried for five minutes', async () => {
    const { run } = setup(txt('v=STSv1; id=1'), () => new Response('x', { status: 500 }));
    expect((await run()).ttl).toBe(FAILURE_TTL);
  });

  it('E: an invalid policy file: policy invalid with the parse problem', async () => {
    const { run, cache } = setup(txt('v=STSv1; id=1'), 'version: STSv1\nmode: enforce\nmax_age: 86400\n');
    const result = await run();
    expect(result.evidence).toMatchObject({ record: 'valid', policy: 'invalid', problem: { code: 'mta-sts.policy.invalid' } });
    expect(result.policy).toBeNull();
    expect(await cache.get(DOMAIN)).toBeUndefined();
  });

  it('RFC 8461 s3.3: a fetched policy is cached until fetch time + max_age', async () => {
    const { run, cache, clock, host } = setup();
    await run();
    expect(await cache.get(DOMAIN)).toEqual({ id: 'new1', policy: enforcePolicy, fetchedAt: clock.ms, expiresAt: clock.ms + 86_400_000 });
    clock.advance(86_399);
    expect((await run()).evidence.policy).toBe('cached');
    clock.advance(1); // now == expiresAt: expired
    expect((await run()).evidence.policy).toBe('fetched');
    expect(host.requests).toHaveLength(2);
  });

  it('RFC 8461 s3.3: an unchanged id uses the cached policy without fetching', async () => {
    const { run, cache, clock, host } = setup(txt('v=STSv1; id=same'));
    await seed(cache, clock, 'same', enforcePolicy);
    clock.advance(600);
    const result = await run();
    expect(host.requests).toEqual([]);
    expect(result.evidence).toMatchObject({ record: 'valid', id: 'same', policy: 'cached', policyUrl: URL_, mode: 'enforce', maxAge: 86400 });
    expect(result.evidence.problem).toBeUndefined();
    expect(result.policy).toEqual(enforcePolicy);
    expect(result.ttl).toBe(3600);
  });

  it('RFC 8461 s3.3 (s3.3): a cached policy a day old is fetched again under the same id, and replaced', async () => {
    const { run, cache, clock, host } = setup(txt('v=STSv1; id=same'), TESTING);
    await seed(cache, clock, 'same', { ...enforcePolicy, maxAge: 604800 });
    clock.advance(86_400);
    const result = await run();
    expect(host.requests).toEqual([URL_]);
    expect(result.evidence).toMatchObject({ policy: 'fetched', mode: 'testing' });
    expect((await cache.get(DOMAIN))?.policy.mode).toBe('testing');
  });

  it('RFC 8461 s3.3 (s3.3): a failed daily refresh keeps applying the cached policy, with a warning', async () => {
    const { run, cache, clock, host } = setup(txt('v=STSv1; id=same'), () => new Response('gone', { status: 500 }));
    await seed(cache, clock, 'same', { ...enforcePolicy, maxAge: 604800 });
    clock.advance(90_000);
    const result = await run();
    expect(host.requests).toEqual([URL_]);
    expect(result.policy).toEqual({ ...enforcePolicy, maxAge: 604800 });
    expect(result.evidence.policy).toBe('cached');
    expect(result.evidence.warnings.map((w) => w.code)).toContain('mta-sts.cache.refresh-failed');
  });

  it('RFC 8461 s3.3: before the refresh is due, the result is not reused past it', async () => {
    const { run, cache, clock } = setup({ outcome: 'answer', records: [['v=STSv1; id=same']], ttl: 86_400 });
    await seed(cache, clock, 'same', { ...enforcePolicy, maxAge: 604800 });
    clock.advance(86_000);
    expect((await run()).ttl).toBe(400);
  });

  it('RFC 8461 s3.3: the ttl never outlives the cached policy', async () => {
    const { run, cache, clock } = setup(txt('v=STSv1; id=same'));
    await seed(cache, clock, 'same'); // max_age 3600
    clock.advance(3500);
    expect((await run()).ttl).toBe(100);
  });

  it('RFC 8461 s3.3: a new id is fetched and replaces the cache on success', async () => {
    const { run, cache, clock, host } = setup(txt('v=STSv1; id=v2'), TESTING);
    await seed(cache, clock, 'v1');
    const result = await run();
    expect(host.requests).toEqual([URL_]);
    expect(result.evidence).toMatchObject({ id: 'v2', policy: 'fetched', mode: 'testing', mx: ['mx.example.org'] });
    expect((await cache.get(DOMAIN))?.id).toBe('v2');
  });

  it('RFC 8461 s3.3: a new id whose fetch fails keeps applying the live cached policy, with the problem', async () => {
    const { run, cache, clock } = setup(txt('v=STSv1; id=v2'), () => new Response('', { status: 503 }));
    const old = await seed(cache, clock, 'v1');
    const result = await run();
    expect(result.evidence).toMatchObject({ record: 'valid', id: 'v2', policy: 'cached', mode: 'testing', mx: ['old.example.com'], problem: { code: 'mta-sts.fetch.http-status' } });
    expect(result.evidence.warnings.map((w) => w.code)).toContain('mta-sts.cache.kept');
    expect(result.policy).toEqual(old.policy);
    expect(result.ttl).toBe(FAILURE_TTL);
    expect(await cache.get(DOMAIN)).toEqual(old);
  });

  it('RFC 8461 s3.3: a new id whose policy is invalid keeps applying the live cached policy', async () => {
    const { run, cache, clock } = setup(txt('v=STSv1; id=v2'), 'garbage');
    const old = await seed(cache, clock, 'v1');
    const result = await run();
    expect(result.evidence).toMatchObject({ policy: 'cached', problem: { code: 'mta-sts.policy.invalid' } });
    expect(result.policy).toEqual(old.policy);
  });

  it('RFC 8461 s3.3: an expired cached policy is not applied', async () => {
    const { run, cache, clock } = setup(txt('v=STSv1; id=v2'), () => new Response('', { status: 503 }));
    await seed(cache, clock, 'v1');
    clock.advance(3600);
    const result = await run();
    expect(result.evidence.policy).toBe('fetch-failed');
    expect(result.policy).toBeNull();
  });

  it('RFC 8461 s5.1: an absent, invalid or unresolvable record does not evict a live cached policy', async () => {
    for (const answer of [{ outcome: 'nxdomain' as const, ttl: 600 }, txt('v=STSv1; id=1', 'v=STSv1; id=2'), { outcome: 'servfail' as const }]) {
      const { run, cache, clock, host } = setup(answer);
      const old = await seed(cache, clock, 'v1');
      clock.advance(1800);
      const result = await run();
      expect(result.evidence.policy).toBe('cached');
      expect(result.evidence.warnings.map((w) => w.code)).toContain('mta-sts.cache.without-record');
      expect(result.policy).toEqual(old.policy);
      expect(result.ttl).toBeLessThanOrEqual(1800);
      expect(host.requests).toEqual([]);
      expect(await cache.get(DOMAIN)).toEqual(old);
    }
  });

  it('RFC 8461 s5.1: the record state is still reported when the cache applies', async () => {
    const { run, cache, clock } = setup({ outcome: 'servfail' });
    await seed(cache, clock, 'v1');
    const result = await run();
    expect(result.evidence).toMatchObject({ record: 'lookup-failed', policy: 'cached', problem: { code: 'mta-sts.record.lookup-failed' } });
  });

  it('RFC 8461 s5.1: without fetch permission the result is not-checked, but a live cached policy still applies', async () => {
    const bare = setup();
    const r1 = await bare.run(null);
    expect(r1.evidence).toEqual({ record: 'valid', id: 'new1', policy: 'not-checked', policyUrl: URL_, warnings: [] });
    expect(r1.policy).toBeNull();
    expect(bare.host.requests).toEqual([]);

    const sameId = setup(txt('v=STSv1; id=v1'));
    await seed(sameId.cache, sameId.clock, 'v1');
    expect((await sameId.run(null)).evidence.policy).toBe('cached');

    const newId = setup(txt('v=STSv1; id=v2'));
    await seed(newId.cache, newId.clock, 'v1');
    const r3 = await newId.run(null);
    expect(r3.evidence.policy).toBe('cached');
    expect(r3.evidence.warnings.map((w) => w.code)).toEqual(['mta-sts.cache.new-id-not-fetched']);
    expect(newId.host.requests).toEqual([]);
  });

  it('H1-H3: every mode is passed through; a fetched mode none replaces an older cached policy', async () => {
    const { run, cache, clock } = setup(txt('v=STSv1; id=v2'), 'version: STSv1\nmode: none\nmax_age: 86400\n');
    await seed(cache, clock, 'v1', enforcePolicy);
    const result = await run();
    expect(result.evidence).toMatchObject({ policy: 'fetched', mode: 'none', mx: [] });
    expect((await cache.get(DOMAIN))?.policy.mode).toBe('none');
  });

  it('max_age 0: the policy applies now but is not cached, and the older entry goes', async () => {
    const { run, cache, clock, host } = setup(txt('v=STSv1; id=v2'), 'version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 0\n');
    await seed(cache, clock, 'v1');
    const result = await run();
    expect(result.evidence.policy).toBe('fetched');
    expect(result.ttl).toBe(0);
    expect(await cache.get(DOMAIN)).toBeUndefined();
    await run();
    expect(host.requests).toHaveLength(2);
  });

  it('works without a cache and with a cache that fails', async () => {
    const resolver = new FakeResolver({ [TXT_NAME]: txt('v=STSv1; id=1') });
    const host = new FakePolicyHost(() => policyResponse(ENFORCE));
    expect((await discoverMtaSts(DOMAIN, { resolver, fetch: host.fetch })).evidence.policy).toBe('fetched');
    const failing: PolicyCache = {
      get: () => Promise.reject(new Error('storage gone')),
      set: () => Promise.reject(new Error('storage gone')),
      delete: () => Promise.reject(new Error('storage gone')),
    };
    const result = await discoverMtaSts(DOMAIN, { resolver, fetch: host.fetch, cache: failing });
    expect(result.evidence.policy).toBe('fetched');
    expect(result.evidence.warnings.map((w) => w.code)).toEqual(['mta-sts.cache.write-failed']);
  });

  it('a hostile policy cannot bloat the evidence', async () => {
    const lines = ['version: STSv1', 'mode: testing', 'max_age: 86400', 'mx: ok.example'];
    for (let i = 0; i < 300; i++) lines.push(`mx: bad_${i}_${'x'.repeat(150)}.example`, 'mode: again');
    const { run } = setup(txt('v=STSv1; id=1'), lines.join('\n'));
    const result = await run();
    expect(result.evidence.policy).toBe('fetched');
    expect(result.evidence.warnings).toHaveLength(20);
    expect(result.evidence.warnings.at(-1)?.code).toBe('warnings.truncated');
    for (const w of result.evidence.warnings) expect(w.message.length).toBeLessThanOrEqual(256);
    expect(result.evidence.mx).toHaveLength(64);
    for (const p of result.evidence.mx ?? []) expect(p.length).toBeLessThanOrEqual(256);
    expect(result.policy?.mx).toHaveLength(301); // matching still sees every pattern
  });
});

describe('policy host prefetch (prefetchPolicyHost: one round trip less where the fetch resolves through the resolver)', () => {
  /** A resolver whose TXT answer waits until released, so the order of queries can be seen. */
  function gated() {
    const inner = new FakeResolver({ [TXT_NAME]: txt('v=STSv1; id=p1') });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const resolver = {
      queries: inner.queries,
      query: async <T extends Parameters<FakeResolver['query']>[1]>(name: string, type: T) => {
        const result = inner.query(name, type);
        if (type === 'TXT') await gate;
        return result;
      },
    };
    return { resolver, release };
  }

  it('asks A and AAAA of mta-sts.<domain> together with the TXT record, before its answer', async () => {
    const { resolver, release } = gated();
    const host = new FakePolicyHost(() => policyResponse(ENFORCE));
    const pending = discoverMtaSts(DOMAIN, { resolver, fetch: host.fetch, prefetchPolicyHost: true });
    await Promise.resolve();
    expect(resolver.queries).toEqual([TXT_NAME, 'mta-sts.example.com A', 'mta-sts.example.com AAAA']);
    release();
    expect((await pending).evidence.policy).toBe('fetched');
  });

  it('is off by default (the browser: its fetch resolves through the browser), and off without a fetch', async () => {
    const off = gated();
    const pending = discoverMtaSts(DOMAIN, { resolver: off.resolver, fetch: new FakePolicyHost(() => policyResponse(ENFORCE)).fetch });
    off.release();
    await pending;
    expect(off.resolver.queries).toEqual([TXT_NAME]);
    const noFetch = gated();
    const judged = discoverMtaSts(DOMAIN, { resolver: noFetch.resolver, fetch: null, prefetchPolicyHost: true });
    noFetch.release();
    await judged;
    expect(noFetch.resolver.queries).toEqual([TXT_NAME]);
  });

  it('a failing prefetch changes nothing: the record and the policy are judged as without it', async () => {
    const resolver = new FakeResolver({ [TXT_NAME]: txt('v=STSv1; id=p1'), 'mta-sts.example.com A': 'throw', 'mta-sts.example.com AAAA': 'throw' });
    const host = new FakePolicyHost(() => policyResponse(ENFORCE));
    const result = await discoverMtaSts(DOMAIN, { resolver, fetch: host.fetch, prefetchPolicyHost: true });
    expect(result.evidence).toMatchObject({ record: 'valid', id: 'p1', policy: 'fetched', mode: 'enforce' });
  });
});
