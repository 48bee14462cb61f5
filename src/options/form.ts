// The options form as plain data: the text the fields show (a draft) and its validation into
// setting values, one clear error per field. Pure, so it is tested without a page.
import type { Level } from '../core/types.ts';
import { t } from '../shared/i18n.ts';
import {
  DEFAULT_RESOLVER_URLS, DEFAULT_SETTINGS, isHttpsUrl, MAX_DOMAIN_ENTRIES, MAX_LOOKUP_TOKEN_LENGTH, MAX_ORG_NAME_LENGTH, MAX_RESOLVERS,
  normalizeLookupServiceUrl, originPattern, parseDomainPattern, parseSetting, sameValue, SETTING_KEYS,
  type LookupServiceSetting, type PolicyCacheMode, type PolicyFetchMode, type SendCheckMode, type SettingKey, type Settings,
} from '../shared/settings.ts';

export type DomainListKey = 'internalDomains' | 'requiredTlsDomains' | 'skipDomains';
export const DOMAIN_LIST_KEYS: readonly DomainListKey[] = ['internalDomains', 'requiredTlsDomains', 'skipDomains'];

export interface Draft {
  /** One URL per line. */
  resolvers: string;
  policyFetch: PolicyFetchMode;
  policyCache: PolicyCacheMode;
  /** One domain or *.suffix per line (commas and spaces also separate). */
  internalDomains: string;
  requiredTlsDomains: string;
  skipDomains: string;
  warnAtOrBelow: Level;
  sendCheck: SendCheckMode;
  /** 'builtin': what InTransit knows about the webmail's provider; 'custom': the two boxes. */
  senderMode: 'builtin' | 'custom';
  senderMtaSts: boolean;
  senderDane: boolean;
  orgName: string;
  helpUrl: string;
  /** The organisation's lookup service: empty URL = none. */
  lookupServiceUrl: string;
  lookupServiceToken: string;
}

export type FieldErrors = Partial<Record<SettingKey, string>>;

export function draftFrom(s: Settings): Draft {
  return {
    resolvers: s.resolvers.join('\n'),
    policyFetch: s.policyFetch,
    policyCache: s.policyCache,
    internalDomains: s.internalDomains.join('\n'),
    requiredTlsDomains: s.requiredTlsDomains.join('\n'),
    skipDomains: s.skipDomains.join('\n'),
    warnAtOrBelow: s.warnAtOrBelow,
    sendCheck: s.sendCheck,
    senderMode: s.senderEnforces ? 'custom' : 'builtin',
    senderMtaSts: s.senderEnforces?.mtaSts ?? false,
    senderDane: s.senderEnforces?.dane ?? false,
    orgName: s.orgName ?? '',
    helpUrl: s.helpUrl ?? '',
    lookupServiceUrl: s.lookupService?.url ?? '',
    lookupServiceToken: s.lookupService?.token ?? '',
  };
}

/** Replace the draft's fields for these keys with the values from `s` (e.g. locked settings). */
export function withValuesOf(draft: Draft, s: Settings, keys: readonly SettingKey[]): Draft {
  const fresh = draftFrom(s);
  const next = { ...draft };
  for (const key of keys) {
    if (key === 'senderEnforces') Object.assign(next, { senderMode: fresh.senderMode, senderMtaSts: fresh.senderMtaSts, senderDane: fresh.senderDane });
    else if (key === 'lookupService') Object.assign(next, { lookupServiceUrl: fresh.lookupServiceUrl, lookupServiceToken: fresh.lookupServiceToken });
    else (next as Record<string, unknown>)[key] = fresh[key];
  }
  return next;
}

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
const cut = (text: string): string => (text.length > 100 ? `${text.slice(0, 99)}…` : text);

/** One URL per line; blank lines ignored. */
export function parseResolverList(text: string): { ok: true; urls: string[] } | { ok: false; message: string } {
  const urls = [...new Set(lines(text))];
  if (urls.length === 0) return { ok: false, message: t('options_resolvers_empty') };
  if (urls.length > MAX_RESOLVERS) return { ok: false, message: t('options_resolvers_too_many', [String(MAX_RESOLVERS)]) };
  const bad = urls.find((u) => !isHttpsUrl(u));
  if (bad !== undefined) return { ok: false, message: t('options_resolvers_invalid', [cut(bad)]) };
  return { ok: true, urls };
}

/** Domains separated by new lines, commas or spaces. */
export function parseDomainText(text: string): { ok: true; domains: string[] } | { ok: false; message: string } {
  const entries = text.split(/[\s,]+/).filter((e) => e !== '');
  if (entries.length > MAX_DOMAIN_ENTRIES) return { ok: false, message: t('options_domains_too_many', [String(MAX_DOMAIN_ENTRIES)]) };
  const out = new Set<string>();
  for (const entry of entries) {
    const parsed = parseDomainPattern(entry);
    if (!parsed.ok) return { ok: false, message: t('options_domain_invalid', [cut(entry)]) };
    out.add(parsed.value);
  }
  return { ok: true, domains: [...out] };
}

/** The lookup service the two fields describe: null when the URL is empty. */
export function parseLookupServiceFields(urlText: string, tokenText: string): { ok: true; value: LookupServiceSetting | null } | { ok: false; message: string } {
  const url = urlText.trim();
  const token = tokenText.trim();
  if (url === '') return token === '' ? { ok: true, value: null } : { ok: false, message: t('options_service_url_missing') };
  if (normalizeLookupServiceUrl(url) === null) return { ok: false, message: t('options_service_url_invalid', [cut(url)]) };
  const parsed = parseSetting('lookupService', token === '' ? { url } : { url, token });
  if (!parsed.ok) return { ok: false, message: t('options_service_token_invalid', [String(MAX_LOOKUP_TOKEN_LENGTH)]) };
  return { ok: true, value: parsed.value };
}

/**
 * The settings the draft describes, or the errors of its fields. Locked keys are not validated
 * (they cannot be edited and are not saved).
 */
export function parseDraft(draft: Draft, locked: ReadonlySet<SettingKey>): { ok: true; values: Settings } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const values: Settings = { ...DEFAULT_SETTINGS, senderEnforces: null };
  const open = (key: SettingKey) => !locked.has(key);

  if (open('resolvers')) {
    const r = parseResolverList(draft.resolvers);
    if (r.ok) values.resolvers = r.urls;
    else errors.resolvers = r.message;
  }
  values.policyFetch = draft.policyFetch;
  values.policyCache = draft.policyCache;
  for (const key of DOMAIN_LIST_KEYS) {
    if (!open(key)) continue;
    const r = parseDomainText(draft[key]);
    if (r.ok) values[key] = r.domains;
    else errors[key] = r.message;
  }
  values.warnAtOrBelow = draft.warnAtOrBelow;
  values.sendCheck = draft.sendCheck;
  values.senderEnforces = draft.senderMode === 'custom' ? { mtaSts: draft.senderMtaSts, dane: draft.senderDane } : null;
  if (open('orgName')) {
    const name = draft.orgName.trim();
    // eslint-disable-next-line no-control-regex
    if (name.length > MAX_ORG_NAME_LENGTH || /[\u0000-\u001f\u007f-\u009f]/.test(name)) errors.orgName = t('options_org_name_invalid', [String(MAX_ORG_NAME_LENGTH)]);
    else values.orgName = name === '' ? null : name;
  }
  if (open('helpUrl')) {
    const url = draft.helpUrl.trim();
    if (url !== '' && !isHttpsUrl(url)) errors.helpUrl = t('options_help_url_invalid', [cut(url)]);
    else values.helpUrl = url === '' ? null : url;
  }
  if (open('lookupService')) {
    const r = parseLookupServiceFields(draft.lookupServiceUrl, draft.lookupServiceToken);
    if (r.ok) values.lookupService = r.value;
    else errors.lookupService = r.message;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}

/**
 * What to write to storage.sync: unlocked values that differ from the default are stored, the
 * others removed (so a later change of a default reaches people who never changed it).
 */
export function userChanges(values: Settings, locked: ReadonlySet<SettingKey>): { set: Partial<Settings>; reset: SettingKey[] } {
  const set: Record<string, unknown> = {};
  const reset: SettingKey[] = [];
  for (const key of SETTING_KEYS) {
    if (locked.has(key)) continue;
    if (sameValue(values[key], DEFAULT_SETTINGS[key])) reset.push(key);
    else set[key] = values[key];
  }
  return { set: set as Partial<Settings>, reset };
}

/** Origins of resolvers outside the manifest's hosts: they need a permission (from a click). */
export function extraResolverOrigins(urls: readonly string[]): string[] {
  const builtIn = new Set(DEFAULT_RESOLVER_URLS.map(originPattern));
  return [...new Set(urls.filter(isHttpsUrl).map(originPattern))].filter((o) => !builtIn.has(o));
}
