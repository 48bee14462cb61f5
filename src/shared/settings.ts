// The one settings schema (docs/deploying.md lists every setting for administrators). The same camelCase keys are used in storage.sync (user), storage.managed
// (organisation policy, public/managed_schema.json) and docs/deploying.md. This module is the
// schema: the keys, their types, defaults and the validation of one value. How the sources are
// merged (managed > user > defaults) lives in settings-merge.ts.
//
// Plain checks rather than valibot: the extension pages import this and stay small.
//
// Decisions (documented for admins in docs/deploying.md):
// - Domain lists hold exact domains (`example.com`) or `*.suffix` patterns. `*.example.com`
//   matches example.com itself AND every subdomain: admins mean "us and everything below us" and
//   writing two entries is an easy mistake. The suffix may be one label (`*.test`). Entries are
//   normalised to lower-case A-labels, so an IDN may be written in Unicode. A '*' anywhere else
//   is invalid.
// - Precedence for a recipient domain: internal > required > skipped > the assessment. All three
//   lists are answered locally: their domains are never looked up (the organisation already knows
//   the answer, and a skipped domain must not leave the browser at all).
// - `senderEnforces` absent means "use the built-in knowledge of the webmail's provider" (Gmail:
//   MTA-STS yes, DANE no; core SENDERS). When set, it describes the organisation's outbound
//   servers and applies to every webmail.
// - `orgName` and `helpUrl` are only shown (popup, welcome and options pages); nothing is fetched.
// - `lookupService` (the organisation's `intransit serve`, docs/lookup-service.md): while it is
//   set, recipient domains go to it and to nothing else — no DoH query, no policy fetch, and
//   no fallback to them when it fails (docs/decisions.md "Lookup service"). Its URL must be
//   https; plain http only to this machine (localhost, 127.0.0.1, [::1]) for development.
import { normalizeDomain } from '../core/address.ts';
import type { Diagnostic, Level, SenderCapabilities } from '../core/types.ts';
import { MAX_ORG_NAME_LENGTH, MAX_URL_LENGTH } from './limits.ts';

/** Every setting, in the order the options page and the docs show them. */
export const SETTING_KEYS = [
  'resolvers',
  'policyFetch',
  'policyCache',
  'internalDomains',
  'requiredTlsDomains',
  'skipDomains',
  'warnAtOrBelow',
  'sendCheck',
  'senderEnforces',
  'orgName',
  'helpUrl',
  'lookupService',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** 'auto': fetch MTA-STS policy files when the browser permission is granted; 'off': never. */
export type PolicyFetchMode = 'auto' | 'off';
export const POLICY_FETCH_MODES: readonly PolicyFetchMode[] = ['auto', 'off'];

/**
 * Where fetched MTA-STS policies are kept until they expire (RFC 8461 s5.1: a sender caches a
 * policy for its max_age; the cache is what lets MTA-STS resist a downgrade). 'disk':
 * storage.local, which keeps each policy domain on disk until the policy expires (at most a year)
 * or the person clears it; 'memory': storage.session, gone when the browser closes.
 */
export type PolicyCacheMode = 'disk' | 'memory';
export const POLICY_CACHE_MODES: readonly PolicyCacheMode[] = ['disk', 'memory'];

/**
 * The organisation's lookup service (docs/lookup-service.md): its base URL (the API lives under
 * `<url>/v1/`) and the organisation's bearer token, when the service requires one.
 */
export interface LookupServiceSetting {
  url: string;
  token?: string;
}

/**
 * What happens when the person sends a message with a recipient at or below `warnAtOrBelow`,
 * `unknown` (a name without a visible address too) or still being checked
 * (docs/decisions.md "Send-time check"): 'off' — nothing, the badge is the only warning;
 * 'confirm' — the send is held and an in-page dialog offers "Send anyway" and "Back to editing";
 * 'block' — the same dialog without "Send anyway", with the organisation's help link.
 */
export type SendCheckMode = 'off' | 'confirm' | 'block';
export const SEND_CHECK_MODES: readonly SendCheckMode[] = ['off', 'confirm', 'block'];

/** The levels a warning threshold can name: core's levels, best first (src/core/levels.ts). */
export const WARN_LEVELS: readonly Level[] = ['protected', 'encrypted', 'unverified', 'misconfigured', 'undeliverable', 'unknown'];

export interface Settings {
  /** RFC 8484 DoH endpoints, tried in order; 1..MAX_RESOLVERS https URLs. */
  resolvers: string[];
  policyFetch: PolicyFetchMode;
  policyCache: PolicyCacheMode;
  /** The organisation's own domains: shown as `internal`, never looked up. */
  internalDomains: string[];
  /** Domains the organisation's mail servers send to only over TLS: shown as `required`. */
  requiredTlsDomains: string[];
  /** Domains never looked up and shown as "Skipped"; they do not count toward the worst level. */
  skipDomains: string[];
  /** Recipients at this level or worse count as "not protected" and turn the badge into a warning. */
  warnAtOrBelow: Level;
  /** The send-time check (default 'off': a person's own install stays calm; organisations turn it on). */
  sendCheck: SendCheckMode;
  /** What the organisation's outbound servers enforce; null = built-in knowledge of the provider. */
  senderEnforces: SenderCapabilities | null;
  /** Shown in the popup, welcome and options pages; null = not set. */
  orgName: string | null;
  /** An https page where people get help from their organisation; null = not set. */
  helpUrl: string | null;
  /** The organisation's lookup service; null = look up locally (DoH + policy fetch). */
  lookupService: LookupServiceSetting | null;
}

/** RFC 8484 endpoints; their hosts are in the manifest's host_permissions (manifest.config.ts). */
export const DEFAULT_RESOLVER_URLS: readonly string[] = ['https://cloudflare-dns.com/dns-query', 'https://dns.google/dns-query'];

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  resolvers: [...DEFAULT_RESOLVER_URLS],
  policyFetch: 'auto',
  policyCache: 'disk',
  internalDomains: [],
  requiredTlsDomains: [],
  skipDomains: [],
  // Warn when a recipient publishes no protection or worse; `encrypted` (likely encrypted, not
  // authenticated) is calm by default (docs/decisions.md "Presentation"). Organisations may set
  // `encrypted` to warn on everything not authenticated.
  warnAtOrBelow: 'unverified',
  sendCheck: 'off',
  senderEnforces: null,
  orgName: null,
  helpUrl: null,
  lookupService: null,
});

/** A fresh, mutable copy of the defaults. */
export const defaultSettings = (): Settings => structuredClone({ ...DEFAULT_SETTINGS }) as Settings;

export const MAX_RESOLVERS = 4;
/** Entries per domain list (bounds what the content of a policy can cost). */
export const MAX_DOMAIN_ENTRIES = 1000;
// In limits.ts: the content script checks the same bounds on what the background sends it.
export { MAX_ORG_NAME_LENGTH, MAX_URL_LENGTH };
/** The service's own bound on a token (docs/lookup-service.md "Tokens"). */
export const MAX_LOOKUP_TOKEN_LENGTH = 256;
/** RFC 6750 s2.1 bearer tokens are printable ASCII without spaces; the service accepts the same. */
const LOOKUP_TOKEN = /^[\x21-\x7e]+$/;
/** Hosts a lookup service may be reached at over plain http (this machine: development only). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** How much of a rejected value a diagnostic quotes. */
const MAX_QUOTED = 100;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export type ValueResult<T> = { ok: true; value: T } | { ok: false; error: Diagnostic };

const bad = (code: string, message: string): { ok: false; error: Diagnostic } => ({ ok: false, error: { code, message } });

/** A value as a diagnostic quotes it: JSON-ish, capped, no control characters. */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 1)}…` : text;
}

/** An https URL without credentials or fragment: the only kind of DoH endpoint or help page we accept. */
export function isHttpsUrl(value: string): boolean {
  if (value.length > MAX_URL_LENGTH || CONTROL.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && !url.username && !url.password && !url.hash && url.hostname !== '';
}
/** Kept under its old name for the options page's resolver field. */
export const isResolverUrl = isHttpsUrl;

/**
 * A lookup service's base URL as the extension stores it: https (or http to this machine), no
 * credentials, query or fragment; a path prefix is kept without its trailing slash (a proxy may
 * publish the service under one). Null when the text is not such a URL.
 */
export function normalizeLookupServiceUrl(value: string): string | null {
  const text = value.trim();
  if (text.length > MAX_URL_LENGTH || CONTROL.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const secure = url.protocol === 'https:';
  const development = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if ((!secure && !development) || url.username || url.password || url.search || url.hash || url.hostname === '') return null;
  // `new URL` keeps a lone '?' or '#' out of search/hash: refuse them as the text shows them.
  if (/[?#]/.test(text)) return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Origin pattern a resolver URL needs in host permissions, e.g. https://dns.example/* */
export function originPattern(url: string): string {
  return `${new URL(url).origin}/*`;
}

/** One domain-list entry: `example.com` or `*.example.com`, normalised to lower-case A-labels. */
export function parseDomainPattern(entry: string): ValueResult<string> {
  const text = entry.trim().toLowerCase();
  const wildcard = text.startsWith('*.');
  // A wildcard's suffix may be a single label (`*.test` covers a whole top-level domain): it is
  // checked as the parent of a domain below it.
  const normalized = normalizeDomain(wildcard ? `x.${text.slice(2)}` : text);
  if (!normalized.ok || (wildcard && (!normalized.domain.startsWith('x.') || text.slice(2) === ''))) {
    const why = normalized.ok ? 'the part after "*." is not a domain.' : normalized.error.message;
    return bad('settings.invalid-domain', `${quote(entry)} is not a domain: ${why}`);
  }
  return { ok: true, value: wildcard ? `*.${normalized.domain.slice(2)}` : normalized.domain };
}

/** Whether a recipient's policy domain (lower-case A-labels) matches one list entry. */
export function matchesDomainPattern(domain: string, pattern: string): boolean {
  if (!pattern.startsWith('*.')) return domain === pattern;
  const suffix = pattern.slice(2);
  return domain === suffix || domain.endsWith(`.${suffix}`);
}

export function matchesAnyDomain(domain: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => matchesDomainPattern(domain, p));
}

/** How the organisation's lists classify a recipient domain; null = assess it normally. */
export type OrgDomainLevel = 'internal' | 'required' | 'skipped';

/** internal > required > skipped (see the decisions at the top of this file). */
export function orgLevelFor(domain: string, settings: Pick<Settings, 'internalDomains' | 'requiredTlsDomains' | 'skipDomains'>): OrgDomainLevel | null {
  if (matchesAnyDomain(domain, settings.internalDomains)) return 'internal';
  if (matchesAnyDomain(domain, settings.requiredTlsDomains)) return 'required';
  if (matchesAnyDomain(domain, settings.skipDomains)) return 'skipped';
  return null;
}

// ----- validation of one value per key ----------------------------------------------------

function parseResolvers(raw: unknown): ValueResult<string[]> {
  if (!Array.isArray(raw)) return bad('settings.not-a-list', `${quote(raw)} is not a list of https URLs`);
  if (raw.length === 0) return bad('settings.empty', 'the list is empty; give at least one https URL');
  if (raw.length > MAX_RESOLVERS) return bad('settings.too-many', `${raw.length} resolvers given; at most ${MAX_RESOLVERS} are used`);
  for (const url of raw) {
    if (typeof url !== 'string' || !isHttpsUrl(url.trim())) return bad('settings.not-https-url', `${quote(url)} is not an https URL`);
  }
  return { ok: true, value: [...new Set((raw as string[]).map((u) => u.trim()))] };
}

function parseDomainList(raw: unknown): ValueResult<string[]> {
  if (!Array.isArray(raw)) return bad('settings.not-a-list', `${quote(raw)} is not a list of domains`);
  if (raw.length > MAX_DOMAIN_ENTRIES) return bad('settings.too-many', `${raw.length} entries given; at most ${MAX_DOMAIN_ENTRIES} are allowed`);
  const out = new Set<string>();
  for (const entry of raw) {
    if (typeof entry !== 'string') return bad('settings.invalid-domain', `${quote(entry)} is not a domain`);
    const parsed = parseDomainPattern(entry);
    if (!parsed.ok) return parsed;
    out.add(parsed.value);
  }
  return { ok: true, value: [...out] };
}

function parseOneOf<T extends string>(raw: unknown, allowed: readonly T[]): ValueResult<T> {
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return { ok: true, value: raw as T };
  return bad('settings.not-allowed', `${quote(raw)} is not one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
}

function parseSenderEnforces(raw: unknown): ValueResult<SenderCapabilities> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return bad('settings.invalid-sender', `${quote(raw)} is not an object like {"mtaSts": true, "dane": false}`);
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  const unknown = entries.find(([k]) => k !== 'mtaSts' && k !== 'dane');
  if (unknown) return bad('settings.invalid-sender', `${quote(unknown[0])} is not one of 'mtaSts', 'dane'`);
  const wrong = entries.find(([, v]) => typeof v !== 'boolean');
  if (wrong) return bad('settings.invalid-sender', `${wrong[0]} must be true or false, not ${quote(wrong[1])}`);
  const o = raw as Partial<SenderCapabilities>;
  // A mechanism left out is not claimed: false.
  return { ok: true, value: { mtaSts: o.mtaSts === true, dane: o.dane === true } };
}

function parseOrgName(raw: unknown): ValueResult<string | null> {
  if (typeof raw !== 'string') return bad('settings.not-text', `${quote(raw)} is not text`);
  const name = raw.trim();
  if (CONTROL.test(name)) return bad('settings.not-text', 'the name contains control characters');
  if (name.length > MAX_ORG_NAME_LENGTH) return bad('settings.too-long', `the name has ${name.length} characters; at most ${MAX_ORG_NAME_LENGTH} are allowed`);
  return { ok: true, value: name === '' ? null : name };
}

function parseHelpUrl(raw: unknown): ValueResult<string | null> {
  if (typeof raw !== 'string') return bad('settings.not-https-url', `${quote(raw)} is not an https URL`);
  const url = raw.trim();
  if (url === '') return { ok: true, value: null };
  if (!isHttpsUrl(url)) return bad('settings.not-https-url', `${quote(raw)} is not an https URL`);
  return { ok: true, value: url };
}

function parseLookupService(raw: unknown): ValueResult<LookupServiceSetting | null> {
  if (raw === null) return { ok: true, value: null };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return bad('settings.invalid-lookup-service', `${quote(raw)} is not an object like {"url": "https://intransit.example.org", "token": "…"}`);
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  const unknown = entries.find(([k]) => k !== 'url' && k !== 'token');
  if (unknown) return bad('settings.invalid-lookup-service', `${quote(unknown[0])} is not one of 'url', 'token'`);
  const { url, token } = raw as { url?: unknown; token?: unknown };
  const normalized = typeof url === 'string' ? normalizeLookupServiceUrl(url) : null;
  if (normalized === null) {
    return bad('settings.invalid-lookup-service', `url ${quote(url)} is not an https URL (plain http only to localhost or 127.0.0.1, for development), without query or fragment`);
  }
  if (token === undefined || (typeof token === 'string' && token.trim() === '')) return { ok: true, value: { url: normalized } };
  // The token itself is never quoted: it is the organisation's key.
  if (typeof token !== 'string') return bad('settings.invalid-lookup-token', 'token is not text');
  const trimmed = token.trim();
  if (trimmed.length > MAX_LOOKUP_TOKEN_LENGTH) return bad('settings.invalid-lookup-token', `token has ${trimmed.length} characters; at most ${MAX_LOOKUP_TOKEN_LENGTH} are allowed`);
  if (!LOOKUP_TOKEN.test(trimmed)) return bad('settings.invalid-lookup-token', 'token contains spaces or characters outside printable ASCII');
  return { ok: true, value: { url: normalized, token: trimmed } };
}

const PARSERS: { [K in SettingKey]: (raw: unknown) => ValueResult<Settings[K]> } = {
  resolvers: parseResolvers,
  policyFetch: (raw) => parseOneOf(raw, POLICY_FETCH_MODES),
  policyCache: (raw) => parseOneOf(raw, POLICY_CACHE_MODES),
  internalDomains: parseDomainList,
  requiredTlsDomains: parseDomainList,
  skipDomains: parseDomainList,
  warnAtOrBelow: (raw) => parseOneOf(raw, WARN_LEVELS),
  sendCheck: (raw) => parseOneOf(raw, SEND_CHECK_MODES),
  senderEnforces: parseSenderEnforces,
  orgName: parseOrgName,
  helpUrl: parseHelpUrl,
  lookupService: parseLookupService,
};

export const isSettingKey = (key: string): key is SettingKey => (SETTING_KEYS as readonly string[]).includes(key);

/** Validate and normalise one stored value (from storage.sync, storage.managed or the options form). */
export function parseSetting<K extends SettingKey>(key: K, raw: unknown): ValueResult<Settings[K]> {
  return PARSERS[key](raw);
}

/** Value equality for settings values (plain JSON: arrays in order, the sender by its fields). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
