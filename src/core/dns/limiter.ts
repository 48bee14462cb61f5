// A counting semaphore: at most `max` tasks run at once, the rest wait in FIFO order. Used to
// bound concurrent DoH requests (bounded concurrency, no request storms).

export interface Limiter {
  /** Runs `task` when a slot is free. A waiter whose `signal` aborts leaves the queue and rejects. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Tasks running now (for tests and diagnostics). */
  active(): number;
  /** Tasks waiting for a slot. */
  pending(): number;
}

export class AbortedError extends Error {
  constructor() {
    super('The query was aborted.');
    this.name = 'AbortedError';
  }
}

export function createLimiter(max: number): Limiter {
  const limit = Math.max(1, Math.floor(max));
  let running = 0;
  const queue: (() => void)[] = [];

  const release = () => {
    running--;
    const next = queue.shift();
    if (next) next();
  };

  return {
    run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (signal?.aborted) return Promise.reject(new AbortedError());
      return new Promise<T>((resolve, reject) => {
        const start = () => {
          signal?.removeEventListener('abort', onAbort);
          running++;
          let promise: Promise<T>;
          try {
            promise = task();
          } catch (e) {
            promise = Promise.reject(e);
          }
          promise.then(resolve, reject).finally(release);
        };
        const onAbort = () => {
          const index = queue.indexOf(start);
          if (index >= 0) queue.splice(index, 1);
          reject(new AbortedError());
        };
        if (running < limit) {
          start();
        } else {
          queue.push(start);
          signal?.addEventListener('abort', onAbort, { once: true });
        }
      });
    },
    active: () => running,
    pending: () => queue.length,
  };
}
