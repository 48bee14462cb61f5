// The client of the organisation's lookup service (`intransit serve`, docs/lookup-service.md).
// With the setting `lookupService`, the background sends recipient DOMAINS — never addresses —
// to the service instead of looking them up itself, and shows what comes back.
//
// - Batching: domains asked for within BATCH_DELAY_MS (the same tick, or a compose whose
//   recipients arrive one after another) go in one POST /v1/assess, split only to stay within
//   the service's bounds (100 domains, 16 KB of body; fewer when the service says so).
// - Every answer is validated (src/shared/lookup-api.ts, valibot): the schema, one result per
//   requested domain in request order, each for the domain asked. Anything else is `unknown`
//   with `extension.service-bad-response` — a result is never attributed to another domain.
// - Failures (unreachable, timeout, 401, 403, 429, 5xx, a refused request) are `unknown` with
//   a plain reason. There is never a fallback to DoH or a policy fetch here: that would send
//   the domains somewhere the organisation did not choose (docs/decisions.md "Lookup service").
// - Results are kept for the `expiresIn` the service gives (counted on this machine's clock, so
//   a skewed service clock changes nothing), clamped to [MIN_TTL_S, MAX_TTL_S]; 429 and 503 are
//   honoured: no request goes out before their Retry-After.
//
// Plugs into createAssessmentService (assessment-service.ts), which keeps the session cache,
// the in-flight sharing, "check again" and the forget semantics.
import { notCheckedAssessment, readAtMost, type Assessment, type FetchLike, type FetchResponse, type Reason, type SenderCapabilities } from '../core/index.ts';
import { t } from '../shared/i18n.ts';
import {
  CLIENT_HEADER, infoSchema, LOOKUP_API, MAX_BODY_BYTES, MAX_DOMAINS, PATHS, parseAssessResponse, problemSchema, type ServiceAssessment,
} from '../shared/lookup-api.ts';
import type { LookupServiceStatus } from '../shared/messages.ts';
import type { LookupServiceSetting } from '../shared/settings.ts';
import * as v from 'valibot';

/** Domains asked for within this many milliseconds share one request. */
export const BATCH_DELAY_MS = 5;
/** How long one request may take (a cold batch of 20 domains takes a few round trips). */
export const REQUEST_TIMEOUT_MS = 15_000;
/** Largest response body read (100 full assessments are far below). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Bounds on how long a service result is kept: at least this (a service saying 0 must not
 *  cause a request per refresh), at most an hour (the engine's own clamp, src/core). */
export const MIN_TTL_S = 15;
export const MAX_TTL_S = 3_600;
/** How long a failure is kept before the service is asked again. */
export const FAILURE_TTL_S = 30;
/** Retry-After is honoured up to this (a hostile or broken service cannot silence checks for long). */
export const MAX_RETRY_AFTER_S = 600;
const DEFAULT_RETRY_AFTER_S = 60;

/** Runs `run` after `ms`; returns a function that cancels it. */
type Schedule = (run: () => void, ms: number) => () => void;

export interface LookupClientOptions {
  fetch: FetchLike;
  /** The extension's version, sent as `X-InTransit-Client: extension/<version>`. */
  version: string;
  now?: () => number;
  /** Timer for batching and timeouts (tests pass their own). */
  schedule?: Schedule;
  timeoutMs?: number;
  batchDelayMs?: number;
  /** Called with the name a service gives itself (`service.name`), to be remembered. */
  onName?: (url: string, name: string | null) => void;
}

export interface LookupClient {
  /** The service's assessment of one domain; never rejects (failures are `unknown`). */
  assess(service: LookupServiceSetting, domain: string, sender?: SenderCapabilities): Promise<Assessment>;
  /** GET /v1/info: connected (name, versions) or the failure in plain words. Never rejects. */
  status(service: LookupServiceSetting): Promise<LookupServiceStatus>;
  /** The name the service at `url` gave itself in its last answer (undefined: not known). */
  serviceName(url: string): string | null | undefined;
  /** Remembers a name from an earlier worker (storage.session). */
  rememberName(url: string, name: string | null): void;
}

interface Waiter {
  resolve(assessment: Assessment): void;
}

interface Batch {
  service: LookupServiceSetting;
  sender: SenderCapabilities | undefined;
  /** Domain -> who waits for it; insertion order is the request order. */
  waiters: Map<string, Waiter[]>;
  bytes: number;
}

interface Failure {
  reason: Reason;
  ttlS: number;
  /** When the failure ends exactly (a Retry-After in force); else `ttlS` from now. */
  until?: number;
  /** The service's problem code (RFC 9457 body), if any. */
  problem?: string;
}

const encoder = new TextEncoder();
const byteLength = (text: string): number => encoder.encode(text).length;

/** `unknown` with the reason no verdict came from the service, kept `ttlS` seconds. */
export function serviceFailureAssessment(domain: string, reason: Reason, now: number, ttlS = FAILURE_TTL_S): Assessment {
  return notCheckedAssessment(domain, reason, now, ttlS * 1000);
}

const reason = (code: string, message: string): Reason => ({ code, message, severity: 'error' });

/** Seconds from a Retry-After header (RFC 9110 s10.2.3: seconds or an HTTP date), bounded. */
export function retryAfterSeconds(header: string | null, now: number): number {
  if (header === null || header.trim() === '') return DEFAULT_RETRY_AFTER_S;
  const text = header.trim();
  let seconds: number;
  if (/^\d+$/.test(text)) seconds = Number(text);
  else {
    const at = Date.parse(text);
    seconds = Number.isNaN(at) ? DEFAULT_RETRY_AFTER_S : Math.ceil((at - now) / 1000);
  }
  return Math.min(MAX_RETRY_AFTER_S, Math.max(1, seconds));
}

/** "0.3" of "0.3.1": versions differing here may judge differently (docs/lookup-service.md). */
const majorMinor = (version: string): string | null => /^(\d+)\.(\d+)(?:\.|$|-)/.exec(version)?.slice(1, 3).join('.') ?? null;
export function versionSkew(engine: string, extension: string): boolean {
  const a = majorMinor(engine);
  return a === null || a !== majorMinor(extension);
}

/** The body as text, or null when it is longer than `max` bytes. */
async function readCapped(response: FetchResponse, max: number): Promise<string | null> {
  if (!response.body) return response.text();
  const read = await readAtMost(response.body, max);
  return read === 'too-large' ? null : new TextDecoder().decode(read);
}

const isJson = (response: FetchResponse, type: 'json' | 'problem'): boolean => {
  const media = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  return type === 'json' ? media === 'application/json' : media === 'application/problem+json' || media === 'application/json';
};

export function createLookupClient(options: LookupClientOptions): LookupClient {
  const now = options.now ?? Date.now;
  const schedule: Schedule = options.schedule ?? ((run, ms) => {
    const id = setTimeout(run, ms);
    return () => clearTimeout(id);
  });
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const batchDelayMs = options.batchDelayMs ?? BATCH_DELAY_MS;
  const client = `extension/${options.version}`.slice(0, 100);
  const batches = new Map<string, Batch>();
  /** Per service URL: no request before this time (429/503 Retry-After), and why. */
  const blocked = new Map<string, { until: number; failure: Failure }>();
  /** Per service URL: the most domains one request may carry (learnt from 400 too-many-domains or /v1/info). */
  const maxDomains = new Map<string, number>();
  const names = new Map<string, string | null>();

  const senderKey = (s: SenderCapabilities | undefined): string => (s ? `m${s.mtaSts ? 1 : 0}d${s.dane ? 1 : 0}` : 'any');
  const batchKey = (service: LookupServiceSetting, sender: SenderCapabilities | undefined): string =>
    JSON.stringify([service.url, service.token ?? null, senderKey(sender)]);
  const bodyOf = (domains: readonly string[], sender: SenderCapabilities | undefined): string =>
    JSON.stringify({ domains, sender: sender ? { mtaSts: sender.mtaSts, dane: sender.dane } : null });

  function headers(service: LookupServiceSetting, json: boolean): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json', [CLIENT_HEADER]: client };
    if (json) h['content-type'] = 'application/json';
    if (service.token !== undefined) h.authorization = `Bearer ${service.token}`;
    return h;
  }

  function remember(url: string, name: string | null): void {
    if (names.get(url) === name && names.has(url)) return;
    names.set(url, name);
    options.onName?.(url, name);
  }

  /** One request to the service, with its own timeout; a thrown error means "not reached". */
  async function request(url: string, init: RequestInit): Promise<{ response: FetchResponse; done: () => void } | { failure: Failure }> {
    const controller = new AbortController();
    let timedOut = false;
    const cancel = schedule(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      // No cookies or HTTP authentication of the browser's (the token is the only credential),
      // nothing from the HTTP cache (results are cached here, by expiresIn), no redirects (a
      // redirected answer is not the configured service's), no Referer.
      const response = await options.fetch(url, {
        ...init, credentials: 'omit', cache: 'no-store', redirect: 'manual', referrerPolicy: 'no-referrer', signal: controller.signal,
      });
      return { response, done: cancel };
    } catch {
      cancel();
      return {
        failure: timedOut
          ? { reason: reason('extension.service-timeout', t('bg_service_timeout', [String(Math.round(timeoutMs / 1000))])), ttlS: FAILURE_TTL_S }
          : { reason: reason('extension.service-unreachable', t('bg_service_unreachable')), ttlS: FAILURE_TTL_S },
      };
    }
  }

  /** The failure a non-200 answer means (problem+json code where the service gave one). */
  async function failureOf(response: FetchResponse, service: LookupServiceSetting): Promise<Failure> {
    const status = response.status;
    if (response.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
      return { reason: reason('extension.service-bad-response', t('bg_service_redirect')), ttlS: FAILURE_TTL_S };
    }
    let code = '';
    if (isJson(response, 'problem')) {
      const text = await readCapped(response, 16 * 1024).catch(() => null);
      let body: unknown;
      try {
        body = text === null ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      const parsed = v.safeParse(problemSchema, body);
      if (parsed.success && /^[a-z0-9-]{1,64}$/.test(parsed.output.code)) code = parsed.output.code;
    }
    const problem = code ? { problem: code } : {};
    if (status === 401) {
      return { ...problem, reason: reason('extension.service-unauthorized', t(service.token === undefined ? 'bg_service_token_missing' : 'bg_service_token_refused')), ttlS: FAILURE_TTL_S };
    }
    if (status === 403) return { ...problem, reason: reason('extension.service-forbidden', t('bg_service_forbidden')), ttlS: FAILURE_TTL_S };
    if (status === 429) {
      const s = retryAfterSeconds(response.headers.get('retry-after'), now());
      return { ...problem, reason: reason('extension.service-rate-limited', t('bg_service_rate_limited', [String(s)])), ttlS: s };
    }
    if (status === 503 && response.headers.get('retry-after') !== null) {
      const s = retryAfterSeconds(response.headers.get('retry-after'), now());
      return { ...problem, reason: reason('extension.service-unavailable', t('bg_service_failed', [String(status)])), ttlS: s };
    }
    if (status >= 500) return { ...problem, reason: reason('extension.service-failed', t('bg_service_failed', [String(status)])), ttlS: FAILURE_TTL_S };
    return { ...problem, reason: reason('extension.service-refused', t('bg_service_refused', [`${status}${code ? ` ${code}` : ''}`])), ttlS: FAILURE_TTL_S };
  }

  const badResponse = (): Failure => ({ reason: reason('extension.service-bad-response', t('bg_service_bad_response')), ttlS: FAILURE_TTL_S });

  type Outcome = { results: Assessment[] } | { failure: Failure } | { tooMany: true };

  async function post(service: LookupServiceSetting, domains: string[], sender: SenderCapabilities | undefined): Promise<Outcome> {
    const reached = await request(`${service.url}${PATHS.assess}`, { method: 'POST', headers: headers(service, true), body: bodyOf(domains, sender) });
    if ('failure' in reached) return reached;
    try {
      return await readAssessAnswer(reached.response, service, domains);
    } finally {
      reached.done();
    }
  }

  async function readAssessAnswer(response: FetchResponse, service: LookupServiceSetting, domains: string[]): Promise<Outcome> {
    if (response.status !== 200 || response.type === 'opaqueredirect') {
      const failure = await failureOf(response, service);
      if (response.status === 400 && failure.problem === 'too-many-domains' && domains.length > 1) return { tooMany: true };
      return { failure };
    }
    if (!isJson(response, 'json')) return { failure: badResponse() };
    const text = await readCapped(response, MAX_RESPONSE_BYTES).catch(() => null);
    if (text === null) return { failure: badResponse() };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { failure: badResponse() };
    }
    const parsed = parseAssessResponse(body, domains.length);
    // Each result must be for the domain asked, in order: a verdict is never shown for another domain.
    if (!parsed.ok || parsed.value.results.some((r, i) => r.domain !== domains[i])) return { failure: badResponse() };
    remember(service.url, parsed.value.service.name);
    const received = now();
    return { results: parsed.value.results.map((r) => asAssessment(r, received)) };
  }

  /**
   * The service's result as the extension keeps it: expiry on this machine's clock, wire-only
   * fields dropped, and no `displayDomain` — how a domain is shown is the extension's to decide
   * (from what the person typed), never a service's (it could label one domain as another).
   */
  function asAssessment(result: ServiceAssessment, received: number): Assessment {
    const { expiresIn, cache: _cache, displayDomain: _display, ...assessment } = result;
    void [_cache, _display];
    const ttl = Math.min(MAX_TTL_S, Math.max(MIN_TTL_S, expiresIn));
    return { ...assessment, expiresAt: received + ttl * 1000 };
  }

  /** Asks for `domains` in as many requests as the bounds need; resolves every domain. */
  async function send(service: LookupServiceSetting, domains: string[], sender: SenderCapabilities | undefined): Promise<Map<string, Assessment>> {
    const out = new Map<string, Assessment>();
    const fail = (list: readonly string[], failure: Failure) => {
      for (const d of list) {
        const a = serviceFailureAssessment(d, failure.reason, now(), failure.ttlS);
        out.set(d, failure.until === undefined ? a : { ...a, expiresAt: failure.until });
      }
    };
    const hold = blocked.get(service.url);
    if (hold && hold.until > now()) {
      // Kept exactly until the service's Retry-After ends: then the next check asks again.
      fail(domains, { ...hold.failure, until: hold.until });
      return out;
    }
    const limit = maxDomains.get(service.url) ?? MAX_DOMAINS;
    const chunks: string[][] = [];
    for (let i = 0; i < domains.length; i += limit) chunks.push(domains.slice(i, i + limit));
    await Promise.all(chunks.map(async (chunk) => {
      const outcome = await post(service, chunk, sender);
      if ('tooMany' in outcome) {
        // The service is configured for fewer domains a request (--max-domains): halve and ask again.
        maxDomains.set(service.url, Math.max(1, Math.floor(chunk.length / 2)));
        const again = await send(service, chunk, sender);
        for (const [d, a] of again) out.set(d, a);
        return;
      }
      if ('failure' in outcome) {
        const code = outcome.failure.reason.code;
        if (code === 'extension.service-rate-limited' || code === 'extension.service-unavailable') {
          blocked.set(service.url, { until: now() + outcome.failure.ttlS * 1000, failure: outcome.failure });
        }
        fail(chunk, outcome.failure);
        return;
      }
      outcome.results.forEach((a, i) => out.set(chunk[i] as string, a));
    }));
    return out;
  }

  function flush(key: string): void {
    const batch = batches.get(key);
    if (!batch) return;
    batches.delete(key);
    const domains = [...batch.waiters.keys()];
    void send(batch.service, domains, batch.sender).catch(() => new Map<string, Assessment>()).then((results) => {
      for (const [domain, waiters] of batch.waiters) {
        const assessment = results.get(domain) ?? serviceFailureAssessment(domain, badResponse().reason, now());
        for (const w of waiters) w.resolve(assessment);
      }
    });
  }

  return {
    assess(service, domain, sender) {
      return new Promise<Assessment>((resolve) => {
        const key = batchKey(service, sender);
        let batch = batches.get(key);
        const entryBytes = byteLength(JSON.stringify(domain)) + 1;
        // Full (by count or by body size): send what is waiting now, start a new batch.
        if (batch && !batch.waiters.has(domain)
          && (batch.waiters.size >= (maxDomains.get(service.url) ?? MAX_DOMAINS) || batch.bytes + entryBytes > MAX_BODY_BYTES)) {
          flush(key);
          batch = undefined;
        }
        if (!batch) {
          batch = { service, sender, waiters: new Map(), bytes: byteLength(bodyOf([], sender)) };
          batches.set(key, batch);
          const started = batch;
          schedule(() => {
            if (batches.get(key) === started) flush(key);
          }, batchDelayMs);
        }
        const waiting = batch.waiters.get(domain);
        if (waiting) waiting.push({ resolve });
        else {
          batch.waiters.set(domain, [{ resolve }]);
          batch.bytes += entryBytes;
        }
      });
    },

    async status(service) {
      const failed = (failure: Failure): LookupServiceStatus => ({ state: 'failed', url: service.url, code: failure.reason.code, message: failure.reason.message });
      const reached = await request(`${service.url}${PATHS.info}`, { method: 'GET', headers: headers(service, false) });
      if ('failure' in reached) return failed(reached.failure);
      const { response } = reached;
      let text: string | null;
      try {
        if (response.status !== 200 || response.type === 'opaqueredirect') return failed(await failureOf(response, service));
        text = isJson(response, 'json') ? await readCapped(response, 64 * 1024).catch(() => null) : null;
      } finally {
        reached.done();
      }
      let body: unknown;
      try {
        body = text === null ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      const api = (body as { api?: unknown } | undefined)?.api;
      if (typeof api === 'string' && api !== LOOKUP_API) {
        return failed({ reason: reason('extension.service-api-mismatch', t('bg_service_api_mismatch', [api.slice(0, 40), LOOKUP_API])), ttlS: 0 });
      }
      const info = v.safeParse(infoSchema, body);
      if (!info.success) return failed(badResponse());
      const { service: about, engine, auth, cache, limits } = info.output;
      remember(service.url, about.name);
      maxDomains.set(service.url, Math.min(MAX_DOMAINS, limits.maxDomains));
      return {
        state: 'connected', url: service.url, name: about.name, api: LOOKUP_API, engine, extension: options.version,
        skew: versionSkew(engine, options.version), auth, cache,
      };
    },

    serviceName: (url) => names.get(url),
    rememberName(url, name) {
      if (!names.has(url)) names.set(url, name);
    },
  };
}
