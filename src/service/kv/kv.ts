// The small key-value interface the service's caches use: memory in one instance, Redis (or
// Valkey, same protocol) shared by several. Values are strings (JSON); every key has a TTL.
/** Every key the service writes to a shared store starts with this (bump it when formats change). */
export const KEY_PREFIX = 'it1:';

export interface Kv {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | undefined>;
  /** One round trip for many keys (Redis MGET). */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Stores with a time to live in milliseconds (> 0). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(key: string): Promise<void>;
}

/** Thrown when a shared store cannot answer now (down, slow, or paused after a failure). */
export class KvUnavailable extends Error {}
