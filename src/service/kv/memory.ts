// In-memory stores: a bounded LRU whose entries expire at their TTL, and the Kv built on it.
import type { Kv } from './kv.ts';

export interface Lru<T> {
  get(key: string): T | undefined;
  /** ttlMs <= 0 removes the key. */
  set(key: string, value: T, ttlMs: number): void;
  delete(key: string): void;
  readonly size: number;
}

export function createLru<T>(options: { maxEntries: number; now?: () => number }): Lru<T> {
  const now = options.now ?? Date.now;
  const maxEntries = Math.max(1, options.maxEntries);
  const entries = new Map<string, { value: T; expiresAt: number }>();
  return {
    get size() {
      return entries.size;
    },
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      // Most recently used moves to the end of the Map's order.
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, ttlMs) {
      entries.delete(key);
      if (!(ttlMs > 0)) return;
      entries.set(key, { value, expiresAt: now() + ttlMs });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    delete(key) {
      entries.delete(key);
    },
  };
}

export function createMemoryKv(options: { maxEntries: number; now?: () => number }): Kv {
  const lru = createLru<string>(options);
  return {
    kind: 'memory',
    get: (key) => Promise.resolve(lru.get(key)),
    getMany: (keys) => Promise.resolve(keys.map((key) => lru.get(key))),
    set(key, value, ttlMs) {
      lru.set(key, value, ttlMs);
      return Promise.resolve();
    },
    del(key) {
      lru.delete(key);
      return Promise.resolve();
    },
  };
}
