// The wire contract of the organisation's lookup service (`intransit serve`, docs/lookup-service.md):
// request, response and problem bodies of API v1 as valibot schemas. Pure (no Node or browser
// API), so the service, the CLI's `check --service` and the extension's background all validate
// against the same definitions.
//
// Compatibility rule: within v1 changes are additive only. Objects are parsed with v.object,
// which drops keys it does not know, so a newer service (more fields) still validates in an
// older client, and an older client's request stays valid on a newer service.
import * as v from 'valibot';
import type { Assessment } from '../core/types.ts';

/** Sent in every body as `api`; a client refuses anything else. */
export const LOOKUP_API = 'intransit-lookup/1';
/** The request header every POST must carry (with JSON, it forces a CORS preflight). */
export const CLIENT_HEADER = 'X-InTransit-Client';
/** Most entries in one request (the service may be configured lower, never higher). */
export const MAX_DOMAINS = 100;
/** Largest request body, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;
/** Longest single entry (RFC 5321 s4.5.3.1: 64 + 1 + 255; core keeps inputs to this length). */
export const MAX_ENTRY_LENGTH = 320;
/** Longest client identification in X-InTransit-Client. */
export const MAX_CLIENT_LENGTH = 100;

export const PATHS = {
  assess: '/v1/assess',
  info: '/v1/info',
  health: '/v1/health',
  ready: '/v1/ready',
} as const;

/** Stable problem codes (RFC 9457 bodies carry one as `code`). */
export const PROBLEM_CODES = [
  'bad-request',
  'too-many-domains',
  'address-not-accepted',
  'bad-sender',
  'client-header-required',
  'unauthorized',
  'origin-not-allowed',
  'not-found',
  'method-not-allowed',
  'body-too-large',
  'json-required',
  'rate-limited',
  'shutting-down',
  'internal-error',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

// ---------------------------------------------------------------------------------------------
// Request

const senderSchema = v.object({ mtaSts: v.boolean(), dane: v.boolean() });

/**
 * POST /v1/assess. `sender` omitted or null: unknown sender ("if your provider honours …").
 * `fresh`: skip the service's assessment cache (the policy cache still applies, RFC 8461 s3.3).
 * Entries are domains: an entry with `@` is refused as a whole request (400
 * address-not-accepted), so a buggy client learns at once that it leaked an address.
 */
export const assessRequestSchema = v.object({
  domains: v.pipe(
    v.array(v.pipe(v.string(), v.maxLength(MAX_ENTRY_LENGTH))),
    v.minLength(1),
    v.maxLength(MAX_DOMAINS),
  ),
  sender: v.optional(v.nullable(senderSchema)),
  fresh: v.optional(v.boolean()),
});
export type AssessRequest = v.InferOutput<typeof assessRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Response: the engine's Assessment (src/core/types.ts) with bounds, plus expiresIn.

/** Bounds a hostile or broken service cannot exceed (generous: the engine stays far below). */
export const RESPONSE_LIMITS = { string: 2000, name: 320, code: 64, list: 1000, reasons: 100 } as const;

const text = v.pipe(v.string(), v.maxLength(RESPONSE_LIMITS.string));
const name = v.pipe(v.string(), v.maxLength(RESPONSE_LIMITS.name));
const code = v.pipe(v.string(), v.maxLength(RESPONSE_LIMITS.code));
const list = <T extends v.GenericSchema>(item: T) => v.pipe(v.array(item), v.maxLength(RESPONSE_LIMITS.list));
const epochMs = v.pipe(v.number(), v.integer(), v.minValue(0));
const diagnostic = v.object({ code, message: text });

const levelSchema = v.picklist(['protected', 'encrypted', 'unverified', 'misconfigured', 'undeliverable', 'unknown']);
const dnsClass = v.picklist(['secure', 'insecure', 'secure-denial', 'insecure-denial', 'nxdomain', 'servfail', 'timeout', 'error']);
const stsMode = v.picklist(['enforce', 'testing', 'none']);

const evidenceSchema = v.object({
  mx: v.object({
    status: dnsClass,
    hosts: list(v.object({
      host: name,
      preference: v.number(),
      mtaStsPattern: v.optional(v.nullable(name)),
      provider: v.optional(name),
    })),
    implicit: v.boolean(),
    nullMx: v.boolean(),
  }),
  mtaSts: v.object({
    record: v.picklist(['absent', 'valid', 'invalid', 'lookup-failed']),
    id: v.optional(name),
    policy: v.picklist(['not-checked', 'fetched', 'cached', 'fetch-failed', 'invalid', 'not-applicable']),
    policyUrl: v.optional(text),
    mode: v.optional(stsMode),
    mx: v.optional(list(name)),
    maxAge: v.optional(v.number()),
    problem: v.optional(diagnostic),
    warnings: list(diagnostic),
  }),
  dane: v.object({
    mxSecure: v.boolean(),
    hosts: list(v.object({
      host: name,
      status: v.picklist(['dane', 'unusable-tlsa', 'no-tlsa', 'insecure', 'dnssec-failure', 'lookup-failed']),
      tlsaName: v.optional(name),
      usages: list(v.number()),
    })),
  }),
  tlsRpt: v.object({
    record: v.picklist(['absent', 'valid', 'no-usable-rua', 'invalid', 'lookup-failed']),
    rua: list(text),
  }),
  provider: v.optional(v.object({ id: name, name, source: text })),
  sender: v.optional(senderSchema),
});

export const assessmentSchema = v.object({
  domain: name,
  displayDomain: v.optional(name),
  level: levelSchema,
  mechanism: v.optional(v.picklist(['dane', 'mta-sts', 'provider'])),
  reasons: v.pipe(
    v.array(v.object({ code, message: text, severity: v.picklist(['info', 'warning', 'error']) })),
    v.minLength(1),
    v.maxLength(RESPONSE_LIMITS.reasons),
  ),
  evidence: evidenceSchema,
  checkedAt: epochMs,
  expiresAt: epochMs,
  /** Seconds the result may be reused, counted from receipt (the client's own clock). */
  expiresIn: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400)),
  /** Where the service found it: its cache or a new lookup. */
  cache: v.optional(v.picklist(['hit', 'miss'])),
});
export type ServiceAssessment = Assessment & { expiresIn: number; cache?: 'hit' | 'miss' };

const serviceSchema = v.object({ name: v.nullable(v.pipe(v.string(), v.maxLength(100))) });

export const assessResponseSchema = v.object({
  api: v.literal(LOOKUP_API),
  engine: v.pipe(v.string(), v.maxLength(40)),
  service: serviceSchema,
  results: v.pipe(v.array(assessmentSchema), v.maxLength(MAX_DOMAINS)),
});
export type AssessResponse = { api: typeof LOOKUP_API; engine: string; service: { name: string | null }; results: ServiceAssessment[] };

/**
 * Validates a 200 body of POST /v1/assess for a request of `distinctCount` distinct entries:
 * the schema, and exactly one result per distinct entry (the service answers in request order).
 */
export function parseAssessResponse(body: unknown, distinctCount: number): { ok: true; value: AssessResponse } | { ok: false; error: string } {
  const parsed = v.safeParse(assessResponseSchema, body);
  if (!parsed.success) return { ok: false, error: describeIssue(parsed.issues[0]) };
  if (parsed.output.results.length !== distinctCount) {
    return { ok: false, error: `expected ${distinctCount} results, got ${parsed.output.results.length}` };
  }
  return { ok: true, value: parsed.output as AssessResponse };
}

// ---------------------------------------------------------------------------------------------
// Other bodies

/** RFC 9457 problem details, with the stable `code` clients branch on. */
export const problemSchema = v.object({
  type: v.pipe(v.string(), v.maxLength(200)),
  title: v.pipe(v.string(), v.maxLength(200)),
  status: v.pipe(v.number(), v.integer(), v.minValue(400), v.maxValue(599)),
  code: v.pipe(v.string(), v.maxLength(64)),
  detail: v.optional(v.pipe(v.string(), v.maxLength(500))),
});
export type Problem = v.InferOutput<typeof problemSchema>;

/** GET /v1/info: what the options page shows ("Connected to <name> lookup service"). */
export const infoSchema = v.object({
  api: v.literal(LOOKUP_API),
  engine: v.pipe(v.string(), v.maxLength(40)),
  service: serviceSchema,
  auth: v.picklist(['none', 'token']),
  cache: v.picklist(['memory', 'redis']),
  limits: v.object({
    maxDomains: v.pipe(v.number(), v.integer(), v.minValue(1)),
    maxBodyBytes: v.pipe(v.number(), v.integer(), v.minValue(1)),
    domainsPerMinute: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))),
  }),
  /** 'off' in v1 (the port-25 probe is not part of it); a string so later values stay readable. */
  probe: v.pipe(v.string(), v.maxLength(20)),
});
export type Info = v.InferOutput<typeof infoSchema>;

/** GET /v1/ready: `degraded` = answering, but a shared cache (Redis) is unreachable. */
export const readySchema = v.object({
  status: v.picklist(['ok', 'degraded', 'shutting-down']),
  cache: v.picklist(['memory', 'redis']),
});
export type Ready = v.InferOutput<typeof readySchema>;

function describeIssue(issue: v.BaseIssue<unknown> | undefined): string {
  if (!issue) return 'invalid body';
  const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
  return `${path || 'body'}: ${issue.message}`.slice(0, 200);
}
