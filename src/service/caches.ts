// The service's two lasting caches, on top of Kv (docs/lookup-service.md "Caches"):
//
// - MTA-STS policies (the RFC 8461 s3.3 sender cache). With Redis they MUST be shared: a cached
//   policy keeps applying while its host is unreachable, and with one cache per instance a seat
//   would flip between `protected` (the instance that has the policy) and `misconfigured` (the
//   one that does not) during an outage. Redis is read first (it is the shared truth); a memory
//   copy answers while Redis cannot.
// - Assessments, keyed by sender capabilities and domain: memory first (a hit costs a Map
//   lookup), then Redis (filled by any instance), each entry until the assessment's own
//   expiresAt (the engine keeps that between 30 s and 1 h).
//
// A Redis failure is a miss, never an error: KvUnavailable is caught here.
import * as v from 'valibot';
import type { Assessment, CachedPolicy, PolicyCache, SenderCapabilities } from '../core/index.ts';
import { assessmentSchema } from '../shared/lookup-api.ts';
import type { Kv } from './kv/kv.ts';
import { createLru, createMemoryKv } from './kv/memory.ts';

export const DEFAULT_POLICY_ENTRIES = 10_000;
export const DEFAULT_ASSESSMENT_ENTRIES = 20_000;

const cachedPolicySchema = v.object({
  id: v.pipe(v.string(), v.maxLength(64)),
  policy: v.object({
    version: v.literal('STSv1'),
    mode: v.picklist(['enforce', 'testing', 'none']),
    mx: v.pipe(v.array(v.pipe(v.string(), v.maxLength(256))), v.maxLength(1000)),
    maxAge: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  fetchedAt: v.number(),
  expiresAt: v.number(),
});

const storedAssessmentSchema = v.omit(assessmentSchema, ['expiresIn', 'cache']);

function decode<T>(schema: v.GenericSchema<unknown, T>, text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = v.safeParse(schema, JSON.parse(text));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

/** Counts shared-store failures, for /v1/ready and the log. */
export interface SharedStats {
  failures: number;
}

async function quietly<T>(stats: SharedStats, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch {
    stats.failures++;
    return undefined;
  }
}

export function createServicePolicyCache(options: { shared?: Kv; maxEntries?: number; now?: () => number; stats?: SharedStats }): PolicyCache {
  const memory = createMemoryKv({ maxEntries: options.maxEntries ?? DEFAULT_POLICY_ENTRIES, now: options.now });
  const shared = options.shared;
  const stats = options.stats ?? { failures: 0 };
  const now = options.now ?? Date.now;
  const key = (domain: string): string => `pol:${domain}`;
  return {
    async get(domain) {
      if (shared) {
        const fromShared = decode(cachedPolicySchema, await quietly(stats, () => shared.get(key(domain))));
        if (fromShared) return fromShared as CachedPolicy;
      }
      return decode(cachedPolicySchema, await memory.get(key(domain))) as CachedPolicy | undefined;
    },
    async set(domain, entry) {
      const text = JSON.stringify(entry);
      const ttlMs = entry.expiresAt - now();
      await memory.set(key(domain), text, ttlMs);
      if (shared) await quietly(stats, () => shared.set(key(domain), text, ttlMs));
    },
    async delete(domain) {
      await memory.del(key(domain));
      if (shared) await quietly(stats, () => shared.del(key(domain)));
    },
  };
}

export interface AssessmentCache {
  /** One lookup per key, in order (memory first, then one MGET for the rest). */
  getMany(keys: readonly string[]): Promise<(Assessment | undefined)[]>;
  set(key: string, assessment: Assessment): Promise<void>;
}

/** The cache key of an assessment: what the sender enforces changes the verdict. */
export function assessmentKey(domain: string, sender: SenderCapabilities | undefined): string {
  const s = sender ? `m${sender.mtaSts ? 1 : 0}d${sender.dane ? 1 : 0}` : 'any';
  return `asm:${s}:${domain}`;
}

export function createAssessmentCache(options: { shared?: Kv; maxEntries?: number; now?: () => number; stats?: SharedStats }): AssessmentCache {
  // Memory keeps the objects themselves: a warm hit pays for no JSON.parse and no validation.
  const memory = createLru<Assessment>({ maxEntries: options.maxEntries ?? DEFAULT_ASSESSMENT_ENTRIES, now: options.now });
  const shared = options.shared;
  const stats = options.stats ?? { failures: 0 };
  const now = options.now ?? Date.now;

  return {
    async getMany(keys) {
      const results = keys.map((key) => memory.get(key));
      const missing = keys.filter((_, i) => results[i] === undefined);
      if (!shared || missing.length === 0) return results;
      const texts = await quietly(stats, () => shared.getMany(missing));
      if (!texts) return results;
      let j = 0;
      for (let i = 0; i < keys.length; i++) {
        if (results[i] !== undefined) continue;
        const found = decode(storedAssessmentSchema, texts[j++]) as Assessment | undefined;
        if (found && found.expiresAt > now()) {
          results[i] = found;
          memory.set(keys[i] as string, found, found.expiresAt - now());
        }
      }
      return results;
    },
    async set(key, assessment) {
      const ttlMs = assessment.expiresAt - now();
      memory.set(key, assessment, ttlMs);
      if (shared && ttlMs > 0) await quietly(stats, () => shared.set(key, JSON.stringify(assessment), ttlMs));
    },
  };
}
