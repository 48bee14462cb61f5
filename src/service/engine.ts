// Entries of one POST /v1/assess -> one Assessment per distinct domain, in order, exactly as
// assessAddresses gives them (src/core), plus `expiresIn` and `cache`. What this adds:
// - refused names (names.ts) are answered without any lookup;
// - the assessment cache (caches.ts), memory then Redis, keyed by sender and domain;
// - one promise per key in flight in this instance, shared by concurrent requests.
import { assessDomain, normalizeDomain, notCheckedAssessment, type AssessDeps, type Assessment, type SenderCapabilities } from '../core/index.ts';
import type { ServiceAssessment } from '../shared/lookup-api.ts';
import { assessmentKey, type AssessmentCache } from './caches.ts';
import type { NamePolicy } from './names.ts';

/** Refused names get a stable answer; it is kept this long by clients. */
const REFUSED_TTL_MS = 3_600_000;
const MAX_EXPIRES_IN_S = 86_400;

export interface AssessOutcome {
  results: ServiceAssessment[];
  hits: number;
  misses: number;
  refused: number;
}

export interface ServiceEngine {
  assess(entries: readonly string[], sender: SenderCapabilities | undefined, options?: { fresh?: boolean }): Promise<AssessOutcome>;
}

export interface ServiceEngineOptions {
  /** Resolver, policy fetch and policy cache for the engine; `sender` is set per request. */
  deps: Omit<AssessDeps, 'sender' | 'signal'>;
  cache: AssessmentCache;
  names: NamePolicy;
  now?: () => number;
}

type Slot =
  | { kind: 'direct'; assessment: Promise<Assessment> }
  | { kind: 'lookup'; key: string; display: string };

export function refusedAssessment(domain: string, why: 'special-use' | 'refused-by-configuration', now: number): Assessment {
  const message = why === 'special-use'
    ? `${domain} is a special-use name (RFC 6761) that is not looked up in the public DNS; the lookup service does not check it.`
    : `The lookup service is configured not to look up ${domain} (one of the organisation's own zones).`;
  return notCheckedAssessment(domain, { code: 'service.refused-domain', message, severity: 'error' }, now, REFUSED_TTL_MS);
}

/** The engine never throws (src/core); if it ever does, the domain is `unknown`, briefly. */
function engineError(domain: string, error: unknown, now: number): Assessment {
  return notCheckedAssessment(domain, { code: 'service.engine-error', message: `The check failed inside the lookup service (${String(error).slice(0, 120)}).`, severity: 'error' }, now, 30_000);
}

export function createServiceEngine(options: ServiceEngineOptions): ServiceEngine {
  const now = options.now ?? options.deps.now ?? Date.now;
  const inFlight = new Map<string, Promise<Assessment>>();

  function lookup(key: string, display: string, sender: SenderCapabilities | undefined): Promise<Assessment> {
    const running = inFlight.get(key);
    if (running) return running;
    const job = assessDomain(display, { ...options.deps, sender })
      .then(async (assessment) => {
        await options.cache.set(key, assessment);
        return assessment;
      }, (error: unknown) => engineError(display, error, now()))
      .finally(() => inFlight.delete(key));
    inFlight.set(key, job);
    return job;
  }

  return {
    async assess(entries, sender, { fresh = false } = {}) {
      const slots = new Map<string, Slot>();
      let refused = 0;
      for (const entry of entries) {
        const text = String(entry).trim();
        const normalized = normalizeDomain(text);
        if (!normalized.ok) {
          // The engine's own answer for input that is not a domain (no lookup is made).
          const key = `invalid:${text}`;
          if (!slots.has(key)) slots.set(key, { kind: 'direct', assessment: assessDomain(text, { ...options.deps, sender }) });
          continue;
        }
        if (slots.has(normalized.domain)) continue;
        const why = options.names.refusal(normalized.domain);
        if (why) {
          refused++;
          slots.set(normalized.domain, { kind: 'direct', assessment: Promise.resolve(refusedAssessment(normalized.domain, why, now())) });
          continue;
        }
        slots.set(normalized.domain, { kind: 'lookup', key: assessmentKey(normalized.domain, sender), display: normalized.display });
      }

      const lookups = [...slots.values()].filter((s): s is Extract<Slot, { kind: 'lookup' }> => s.kind === 'lookup');
      const cached = fresh ? lookups.map(() => undefined) : await options.cache.getMany(lookups.map((s) => s.key));
      const found = new Map<string, Assessment>();
      lookups.forEach((slot, i) => {
        const hit = cached[i];
        if (hit) found.set(slot.key, hit);
      });
      const hits = found.size;

      const pending: Promise<ServiceAssessment>[] = [];
      let started = 0;
      for (const slot of slots.values()) {
        if (slot.kind === 'direct') {
          pending.push(slot.assessment.then((a) => withExpiry(a, undefined)));
          continue;
        }
        const hit = found.get(slot.key);
        if (hit) {
          pending.push(Promise.resolve(withExpiry(hit, 'hit')));
          continue;
        }
        // One domain per turn of the event loop: Node sends a turn's HTTP/2 frames (the DoH
        // queries) only after it, so the first domain's queries are on the wire while the next
        // ones are prepared, instead of all of them waiting for the last (cold batch of 20 domains
        // at D = 25 ms: 4.9·D -> 4.4·D, npm run bench -- service).
        if (started++ > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        pending.push(lookup(slot.key, slot.display, sender).then((a) => withExpiry(a, 'miss')));
      }
      const results = await Promise.all(pending);
      return { results, hits, misses: lookups.length - hits, refused };
    },
  };

  function withExpiry(assessment: Assessment, cache: 'hit' | 'miss' | undefined): ServiceAssessment {
    const expiresIn = Math.min(MAX_EXPIRES_IN_S, Math.max(0, Math.floor((assessment.expiresAt - now()) / 1000)));
    return cache ? { ...assessment, expiresIn, cache } : { ...assessment, expiresIn };
  }
}
