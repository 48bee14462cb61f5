// The shared Kv on Redis or Valkey (@redis/client). The service must keep answering when Redis
// does not (docs/lookup-service.md "Caches"), so:
// - every operation gives up after `opTimeoutMs` (50 ms): the client's own command timeout does
//   not cover a server that accepted the connection and stopped answering, so a timer races it;
// - commands are never queued while disconnected (disableOfflineQueue): they fail at once;
// - after a failure, Redis is skipped for `pauseMs` (a small circuit breaker), so an outage
//   costs each request nothing instead of 50 ms per operation;
// - the client reconnects in the background, with backoff, forever.
// Callers treat KvUnavailable as a miss and use their memory copy.
import { createClient, type RedisClientType } from '@redis/client';
import { KEY_PREFIX, KvUnavailable, type Kv } from './kv.ts';

export interface RedisKv extends Kv {
  readonly kind: 'redis';
  /** The connected client, for rate-limiter-flexible's Redis store. */
  readonly client: RedisClientType;
  /** False while disconnected or paused after a failure. */
  usable(): boolean;
  /** PING within the operation timeout. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface RedisKvOptions {
  url: string;
  opTimeoutMs?: number;
  pauseMs?: number;
  now?: () => number;
  /** Connection state changes, for the log (never carries the URL's password). */
  onState?: (state: 'ready' | 'down') => void;
}

function clientOptions(url: string): Parameters<typeof createClient>[0] {
  const parsed = new URL(url);
  const reconnectStrategy = (retries: number): number => Math.min(50 * 2 ** Math.min(retries, 5), 1000);
  const socket = { reconnectStrategy, connectTimeout: 1000 };
  if (parsed.protocol === 'unix:') {
    return { socket: { ...socket, path: decodeURIComponent(parsed.pathname) }, disableOfflineQueue: true };
  }
  return { url, socket, disableOfflineQueue: true };
}

export function createRedisKv(options: RedisKvOptions): RedisKv {
  const opTimeoutMs = options.opTimeoutMs ?? 50;
  const pauseMs = options.pauseMs ?? 1000;
  const now = options.now ?? Date.now;
  const client = createClient(clientOptions(options.url)) as RedisClientType;
  let pausedUntil = 0;
  let state: 'connecting' | 'ready' | 'down' = 'connecting';

  // Without an 'error' listener a failed connection would crash the process. Reported once per
  // change (the client retries every second while Redis is away).
  client.on('error', () => {
    if (state !== 'down') options.onState?.('down');
    state = 'down';
  });
  client.on('ready', () => {
    state = 'ready';
    pausedUntil = 0;
    options.onState?.('ready');
  });
  client.connect().catch(() => undefined); // retried in the background by reconnectStrategy

  const usable = (): boolean => client.isReady && now() >= pausedUntil;

  async function op<T>(run: () => Promise<T>): Promise<T> {
    if (!usable()) throw new KvUnavailable('redis is not available');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KvUnavailable(`redis did not answer within ${opTimeoutMs} ms`)), opTimeoutMs);
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      pausedUntil = now() + pauseMs;
      throw error instanceof KvUnavailable ? error : new KvUnavailable(error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
    }
  }

  const key = (k: string): string => KEY_PREFIX + k;

  return {
    kind: 'redis',
    client,
    usable,
    async get(k) {
      const value = await op(() => client.get(key(k)));
      return typeof value === 'string' ? value : undefined;
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      const values = await op(() => client.mGet(keys.map(key)));
      return values.map((value) => (typeof value === 'string' ? value : undefined));
    },
    async set(k, value, ttlMs) {
      const px = Math.floor(ttlMs);
      if (px <= 0) {
        await op(() => client.del(key(k)));
        return;
      }
      await op(() => client.set(key(k), value, { PX: px }));
    },
    async del(k) {
      await op(() => client.del(key(k)));
    },
    async ping() {
      if (!client.isReady) return false;
      try {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), opTimeoutMs);
        });
        const answer = await Promise.race([client.ping(), timeout]).finally(() => clearTimeout(timer));
        return answer === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      if (!client.isOpen) {
        client.destroy();
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 1000);
      });
      await Promise.race([client.close().catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
      if (client.isOpen) client.destroy();
    },
  };
}
