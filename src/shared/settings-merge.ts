// Merging the settings sources: managed (organisation policy, storage.managed) > user
// (storage.sync) > defaults. A managed key locks that setting. Pure, so the background, the
// extension pages and the tests all get the same answer from the same inputs.
//
// Malformed values never crash anything: each bad key is dropped on its own (the rest of the
// policy still applies) and leaves a diagnostic, e.g.
//   Ignored managed setting `resolvers`: 'http://x' is not an https URL
// which the options page and the diagnostics export show.
import type { Diagnostic } from '../core/types.ts';
import {
  defaultSettings, isHttpsUrl, isSettingKey, originPattern, parseSetting, quote, SETTING_KEYS, type SettingKey, type Settings,
} from './settings.ts';

export type SettingSource = 'managed' | 'user' | 'default';

export interface SettingIssue extends Diagnostic {
  source: 'managed' | 'user';
  /** The key as found (may be unknown to the schema). */
  key: string;
}

export interface SettingsSnapshot {
  /** The effective settings. */
  settings: Settings;
  /** Where each effective value came from; 'managed' means locked by the organisation. */
  sources: Record<SettingKey, SettingSource>;
  /** Values that were ignored, with the reason. */
  issues: SettingIssue[];
}

/** Managed keys Chrome's schema would drop; Firefox has no schema, so we say it ourselves. */
const MAX_UNKNOWN_KEYS_REPORTED = 20;

function issue(source: 'managed' | 'user', key: string, error: Diagnostic): SettingIssue {
  const who = source === 'managed' ? 'managed' : 'user';
  return { source, key, code: error.code, message: `Ignored ${who} setting \`${key}\`: ${error.message}` };
}

const asRecord = (raw: unknown): Record<string, unknown> =>
  typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};

/**
 * The effective settings from the raw contents of storage.managed and storage.sync (as returned
 * by `get()`; anything that is not an object counts as empty).
 */
export function mergeSettings(managedRaw: unknown, userRaw: unknown): SettingsSnapshot {
  const managed = asRecord(managedRaw);
  const user = asRecord(userRaw);
  const settings = defaultSettings();
  const sources = Object.fromEntries(SETTING_KEYS.map((k) => [k, 'default'])) as Record<SettingKey, SettingSource>;
  const issues: SettingIssue[] = [];

  const unknown = Object.keys(managed).filter((k) => !isSettingKey(k));
  for (const key of unknown.slice(0, MAX_UNKNOWN_KEYS_REPORTED)) {
    issues.push(issue('managed', key.replace(/[^\w.-]/g, '?').slice(0, 60), { code: 'settings.unknown-key', message: 'InTransit has no such setting' }));
  }

  for (const key of SETTING_KEYS) {
    for (const source of ['managed', 'user'] as const) {
      const raw = (source === 'managed' ? managed : user)[key];
      if (raw === undefined) continue;
      const parsed = parseSetting(key, raw);
      if (!parsed.ok) {
        issues.push(issue(source, key, parsed.error));
        continue; // a bad managed value falls through to the user's value, then the default
      }
      (settings as unknown as Record<SettingKey, unknown>)[key] = parsed.value;
      sources[key] = source;
      break;
    }
  }
  return { settings, sources, issues };
}

export const isLocked = (snapshot: Pick<SettingsSnapshot, 'sources'>, key: SettingKey): boolean => snapshot.sources[key] === 'managed';

/** The part of a storage area the settings are read from (chrome/browser storage areas fit). */
export interface ReadableArea {
  get(keys?: string | string[] | null): Promise<Record<string, unknown>>;
}

/**
 * Reads both areas and merges them. storage.managed rejects in Firefox when no policy exists and
 * may be missing altogether: both mean "no organisation settings", not an error. A failing
 * storage.sync leaves the defaults and says so.
 */
export async function readSettings(areas: { managed?: ReadableArea | undefined; sync: ReadableArea }): Promise<SettingsSnapshot> {
  const managed = areas.managed ? await areas.managed.get(null).catch(() => ({})) : {};
  let syncError: string | null = null;
  const user = await areas.sync.get([...SETTING_KEYS]).catch((error: unknown) => {
    syncError = String(error).slice(0, 200);
    return {};
  });
  const snapshot = mergeSettings(managed, user);
  if (syncError !== null) {
    snapshot.issues.push({ source: 'user', key: '*', code: 'settings.storage-error', message: `Could not read your settings: ${syncError}` });
  }
  return snapshot;
}

/**
 * Resolver URLs split by whether the browser lets the extension reach their origin. The
 * background never falls back to other resolvers: that would send recipients' domains to a
 * resolver nobody chose. With none permitted, checks say "could not check" with the reason.
 */
export function splitResolversByPermission(resolvers: readonly string[], permitted: (originPattern: string) => boolean): { usable: string[]; blocked: string[] } {
  const usable: string[] = [];
  const blocked: string[] = [];
  for (const url of resolvers) (isHttpsUrl(url) && permitted(originPattern(url)) ? usable : blocked).push(url);
  return { usable, blocked };
}

/** The diagnostic shown when configured resolvers may not be reached. */
export function resolverPermissionIssue(blocked: readonly string[], source: SettingSource): SettingIssue | null {
  if (blocked.length === 0) return null;
  const list = blocked.map((u) => quote(u)).join(', ');
  return source === 'managed'
    ? { source: 'managed', key: 'resolvers', code: 'settings.resolver-not-permitted', message: `The organisation's resolver ${list} is not permitted in this browser (host permission missing), so it is not used.` }
    : { source: 'user', key: 'resolvers', code: 'settings.resolver-not-permitted', message: `The resolver ${list} is not permitted (host permission missing), so it is not used. Save the resolvers again to grant it.` };
}

/** Keys whose effective value differs between two snapshots. */
export function changedSettingKeys(a: Settings, b: Settings): SettingKey[] {
  return SETTING_KEYS.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}
