// `--timeout` bounds the whole check (docs/decisions.md "Command line"): when it runs out, every
// DNS query still open returns a `timeout` result at once and every policy fetch still open is
// aborted, so the engine finishes with `unknown` (never a guess) and the process exits.
import { setMaxListeners } from 'node:events';
import type { DnsResult, FetchLike, Resolver, RRType } from '../../core/index.ts';

/** A signal that aborts after `ms`, with a reason that names --timeout. Its timer never keeps the process alive. */
export function startDeadline(ms: number): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within the --timeout of ${ms} ms`)), ms);
  timer.unref();
  // Every open query and fetch listens to it: dozens at once are expected, not a leak.
  setMaxListeners(0, controller.signal);
  return controller.signal;
}

function combined(deadline: AbortSignal, signal: AbortSignal | null | undefined): AbortSignal {
  return signal ? AbortSignal.any([deadline, signal]) : deadline;
}

function timedOut<T extends RRType>(name: string, type: T, deadline: AbortSignal): DnsResult<T> {
  const reason = deadline.reason instanceof Error ? deadline.reason.message : 'no answer in time';
  return { name, type, outcome: 'timeout', secure: false, records: [], ttl: 0, cnames: [], error: `${name} ${type}: ${reason}.` };
}

/** Queries end at the deadline with outcome `timeout`; the query behind is aborted. */
export function resolverWithDeadline(inner: Resolver, deadline: AbortSignal): Resolver {
  return {
    query<T extends RRType>(name: string, type: T, signal?: AbortSignal): Promise<DnsResult<T>> {
      if (deadline.aborted) return Promise.resolve(timedOut(name, type, deadline));
      return new Promise<DnsResult<T>>((resolve) => {
        const onDeadline = (): void => resolve(timedOut(name, type, deadline));
        deadline.addEventListener('abort', onDeadline, { once: true });
        inner.query(name, type, combined(deadline, signal)).then(
          (result) => {
            deadline.removeEventListener('abort', onDeadline);
            resolve(result);
          },
          (error: unknown) => {
            // Resolvers never throw; should one, a failure is still a failure, not an answer.
            deadline.removeEventListener('abort', onDeadline);
            resolve({ ...timedOut(name, type, deadline), outcome: 'error', error: `${name} ${type}: ${error instanceof Error ? error.message : String(error)}` });
          },
        );
      });
    },
  };
}

/** Fetches are aborted at the deadline (the request's own signal still works too). */
export function fetchWithDeadline(inner: FetchLike, deadline: AbortSignal): FetchLike {
  return (input, init = {}) => inner(input, { ...init, signal: combined(deadline, init.signal) });
}
