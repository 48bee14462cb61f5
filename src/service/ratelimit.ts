// Per-client rate limits (rate-limiter-flexible): counters in memory, or in Redis when configured
// so that the limit holds across instances (an atomic Lua INCR with expiry per key). While
// Redis cannot answer — down, or slower than 50 ms — the same limit is counted in memory
// instead (the library's insurance limiter), so requests keep being answered.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { KEY_PREFIX } from './kv/kv.ts';
import type { RedisKv } from './kv/redis.ts';

export type RateVerdict = { allowed: true } | { allowed: false; retryAfterS: number };

export interface RateLimiter {
  /** Takes `points` from `key`'s budget for the current window. Never rejects. */
  consume(key: string, points: number): Promise<RateVerdict>;
  readonly points: number;
}

export interface RateLimiterOptions {
  /** Budget per window. */
  points: number;
  durationS: number;
  /** Distinguishes limiters sharing one Redis (e.g. 'domains', 'auth'). */
  name: string;
  redis?: RedisKv;
  timeoutMs?: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const memory = new RateLimiterMemory({ points: options.points, duration: options.durationS, keyPrefix: options.name });
  let shared: RateLimiterAbstract | undefined;
  if (options.redis) {
    const store = new RateLimiterRedis({
      storeClient: options.redis.client,
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
      keyPrefix: `${KEY_PREFIX}rl:${options.name}`,
      points: options.points,
      duration: options.durationS,
    });
    shared = new RLWrapperTimeouts({ limiter: store, timeoutMs: options.timeoutMs ?? 50, insuranceLimiter: memory }) as unknown as RateLimiterAbstract;
  }
  const redis = options.redis;
  return {
    points: options.points,
    async consume(key, points) {
      // While the Redis circuit is open the memory counters answer directly (no 50 ms wait).
      const limiter = shared && redis?.usable() ? shared : memory;
      try {
        await limiter.consume(key, Math.max(1, Math.ceil(points)));
        return { allowed: true };
      } catch (result) {
        if (result instanceof RateLimiterRes) return { allowed: false, retryAfterS: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) };
        return { allowed: true }; // the store failed and so did the insurance: do not punish the client
      }
    },
  };
}
