// One end for a piece of work: its time limit or the caller's abort, whichever comes first. The
// DNS exchanges (dns/transport.ts, src/node/classic-dns.ts) and the policy fetch
// (mta-sts/fetch.ts) each stop their own way; this runs the timer and the listener for them.

export interface TimeLimit {
  /** True once the time limit (not the caller) ended the work. */
  readonly timedOut: boolean;
  /** Clears the timer and the caller's listener: call it when the work is over. */
  dispose(): void;
}

/** Calls `stop` when `timeoutMs` has passed or `signal` aborts, whichever is first. */
export function limitTime(timeoutMs: number, signal: AbortSignal | undefined, stop: () => void): TimeLimit {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, timeoutMs);
  const onAbort = (): void => stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}
