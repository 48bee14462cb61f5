// Domain -> Assessment, through src/core, with the hot cache in front and one shared promise per
// domain in flight: concurrent requests for one domain share one promise (docs/architecture.md).
import { notCheckedAssessment, type AssessDeps, type Assessment, type Reason, type SenderCapabilities } from '../core/index.ts';
import type { AssessmentCache } from './assessment-cache.ts';
import { t } from '../shared/i18n.ts';
import { log } from '../shared/log.ts';

export type AssessFn = (domain: string, deps: AssessDeps) => Promise<Assessment>;

/** How long a result of an engine crash is kept (never cached long: it says nothing). */
const CRASH_TTL_MS = 30_000;

export interface AssessmentService {
  /** The cached assessment for this sender, if fresh. */
  cached(domain: string, sender: SenderCapabilities | undefined): Assessment | undefined;
  /** Cached, in flight, or a new assessment. Never rejects. */
  assess(domain: string, sender: SenderCapabilities | undefined): Promise<Assessment>;
  inFlight(domain: string, sender: SenderCapabilities | undefined): boolean;
  /** Drop cached results for these domains (all senders), e.g. "check again". */
  forget(domains: readonly string[]): Promise<void>;
  /** Drop everything, e.g. when the policy-fetch permission changes what a check can see. */
  forgetAll(): Promise<void>;
}

/** Results depend on what the sender honours, so the cache key includes it. */
export function cacheKey(domain: string, sender: SenderCapabilities | undefined): string {
  const s = sender ? `m${sender.mtaSts ? 1 : 0}d${sender.dane ? 1 : 0}` : 'any';
  return `${s}|${domain}`;
}

/** A defined result when the engine itself throws (it should not): "could not check". */
export function crashAssessment(domain: string, error: unknown, now: number): Assessment {
  return notCheckedAssessment(domain, { code: 'extension.engine-error', message: t('bg_engine_error', [String(error).slice(0, 200)]), severity: 'error' }, now, CRASH_TTL_MS);
}


/**
 * `D`: what an assessment needs besides the sender — the engine's deps (resolver, fetch, …), or
 * whatever `assess` routes on (main.ts: the lookup service, or the engine here).
 */
export function createAssessmentService<D extends object = Omit<AssessDeps, 'sender'>>(options: {
  assess: (domain: string, deps: D & { sender?: SenderCapabilities }) => Promise<Assessment>;
  cache: AssessmentCache;
  /** Built per call so a changed resolver, permission or lookup service applies to the next assessment. */
  deps: () => D | Promise<D>;
  /**
   * Asked before every lookup: a reason here means "do not look anything up" and the result is
   * `unknown` with that reason (e.g. no configured resolver is permitted: falling back to another
   * resolver would send the domain somewhere nobody chose).
   */
  refuse?: () => Reason | null | Promise<Reason | null>;
  now?: () => number;
}): AssessmentService {
  const { assess, cache } = options;
  const now = options.now ?? Date.now;
  const pending = new Map<string, Promise<Assessment>>();
  /** Bumped by forget*: results of older runs are not written back over a newer request. */
  let generation = 0;

  return {
    cached: (domain, sender) => cache.get(cacheKey(domain, sender)),
    inFlight: (domain, sender) => pending.has(cacheKey(domain, sender)),
    assess(domain, sender) {
      const key = cacheKey(domain, sender);
      const hit = cache.get(key);
      if (hit) return Promise.resolve(hit);
      const running = pending.get(key);
      if (running) return running;
      const started = generation;
      const run = (async () => {
        let result: Assessment;
        try {
          const refusal = (await options.refuse?.()) ?? null;
          if (refusal !== null) result = notCheckedAssessment(domain, refusal, now(), CRASH_TTL_MS);
          else {
            const deps: D & { sender?: SenderCapabilities } = { ...(await options.deps()), ...(sender ? { sender } : {}) };
            result = await assess(domain, deps);
          }
        } catch (error) {
          log.error('engine.crashed', 'The check of a domain failed inside InTransit.', error);
          result = crashAssessment(domain, error, now());
        }
        // cache.set handles a failed write itself (assessment-cache.ts); anything else is logged.
        if (started === generation) {
          await cache.set(key, result).catch((error: unknown) => log.error('cache.write-failed', 'A result could not be cached.', error));
        }
        return result;
      })().finally(() => {
        if (pending.get(key) === run) pending.delete(key);
      });
      pending.set(key, run);
      return run;
    },
    async forget(domains) {
      generation++;
      const wanted = new Set(domains);
      const keys = cache.keys().filter((k) => wanted.has(k.slice(k.indexOf('|') + 1)));
      for (const k of [...pending.keys()]) if (wanted.has(k.slice(k.indexOf('|') + 1))) pending.delete(k);
      await cache.delete(keys);
    },
    async forgetAll() {
      generation++;
      pending.clear();
      await cache.clear();
    },
  };
}
