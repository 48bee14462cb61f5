// The body of POST /v1/assess: the shared schema (src/shared/lookup-api.ts) plus the mapping of
// its failures to stable problem codes. Checked in this order, so the most telling code wins:
// an entry with '@' (a leaked address: address-not-accepted) before anything else.
import * as v from 'valibot';
import type { SenderCapabilities } from '../core/index.ts';
import { assessRequestSchema, MAX_DOMAINS, type ProblemCode } from '../shared/lookup-api.ts';

export interface AssessBody {
  domains: string[];
  sender: SenderCapabilities | undefined;
  fresh: boolean;
}

export type ParsedBody = { ok: true; body: AssessBody } | { ok: false; code: ProblemCode; detail: string };

export function parseAssessBody(json: unknown, maxDomains = MAX_DOMAINS): ParsedBody {
  const domains = (json as { domains?: unknown } | null)?.domains;
  if (Array.isArray(domains) && domains.some((d) => typeof d === 'string' && d.includes('@'))) {
    return { ok: false, code: 'address-not-accepted', detail: 'Send domains only: an entry contains "@". The service never accepts an email address.' };
  }
  const parsed = v.safeParse(assessRequestSchema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const top = issue.path?.[0]?.key;
    if (top === 'sender') return { ok: false, code: 'bad-sender', detail: 'sender must be null or {"mtaSts": boolean, "dane": boolean}.' };
    if (top === 'domains' && issue.path?.length === 1 && issue.type === 'max_length') return tooMany(maxDomains);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, code: 'bad-request', detail: 'The body must be a JSON object.' };
    if (top === 'domains') return { ok: false, code: 'bad-request', detail: 'domains must be an array of 1 or more strings of at most 320 characters.' };
    if (top === 'fresh') return { ok: false, code: 'bad-request', detail: 'fresh must be true or false.' };
    return { ok: false, code: 'bad-request', detail: issue.message.slice(0, 200) };
  }
  if (parsed.output.domains.length > maxDomains) return tooMany(maxDomains);
  return { ok: true, body: { domains: parsed.output.domains, sender: parsed.output.sender ?? undefined, fresh: parsed.output.fresh ?? false } };
}

function tooMany(maxDomains: number): ParsedBody {
  return { ok: false, code: 'too-many-domains', detail: `At most ${maxDomains} domains per request.` };
}
