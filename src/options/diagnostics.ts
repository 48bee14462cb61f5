// The diagnostics export of the options page: what an admin or a bug report needs to see why
// InTransit behaves as it does — version, browser, every effective setting with its source, the
// ignored values, permissions, cache sizes, the health of the background's storage and the recent
// log (src/shared/log.ts). It holds no recipient, no address and no domain that was checked:
// caches are counted, never listed, and log entries are scrubbed of addresses and domains.
import type { LogEntry } from '../shared/log.ts';
import type { StorageHealth } from '../shared/messages.ts';
import type { SettingIssue, SettingsSnapshot } from '../shared/settings-merge.ts';
import { SETTING_KEYS, type SettingKey } from '../shared/settings.ts';
import type { CacheStats, ExtensionInfo } from '../ui/connector.ts';

export const DIAGNOSTICS_FORMAT = 'intransit-diagnostics/2';

export interface DiagnosticsInput {
  snapshot: SettingsSnapshot;
  /** Issues found by the page (e.g. a resolver that is not permitted), after the snapshot's. */
  extraIssues: SettingIssue[];
  policyPermission: boolean;
  /** Per configured resolver URL: whether its origin is permitted. */
  resolverPermissions: Record<string, boolean>;
  caches: CacheStats;
  /** The background's storage health, or null when the background did not answer. */
  storage: StorageHealth | null;
  /** The background's log and this page's, oldest first. */
  log: { background: LogEntry[]; page: LogEntry[] };
  extension: ExtensionInfo;
  now: Date;
}

const entry = (e: LogEntry) => ({
  at: new Date(e.at).toISOString(), level: e.level, code: e.code, message: e.message, count: e.count,
  ...(e.count > 1 ? { last: new Date(e.last).toISOString() } : {}),
});

export function buildDiagnostics(input: DiagnosticsInput): Record<string, unknown> {
  const { snapshot } = input;
  return {
    format: DIAGNOSTICS_FORMAT,
    generatedAt: input.now.toISOString(),
    extension: { id: input.extension.id, version: input.extension.version },
    userAgent: input.extension.userAgent,
    settings: Object.fromEntries(SETTING_KEYS.map((k) => [k, { value: exported(k, snapshot.settings[k]), source: snapshot.sources[k] }])),
    issues: [...snapshot.issues, ...input.extraIssues].map(({ source, key, code, message }) => ({ source, key, code, message })),
    permissions: { policyFetch: input.policyPermission, resolvers: input.resolverPermissions },
    caches: { assessments: input.caches.assessments, policies: input.caches.policies },
    storage: input.storage,
    log: { background: input.log.background.map(entry), page: input.log.page.map(entry) },
  };
}

/**
 * A setting's value as the export shows it: the lookup service's token is replaced by whether
 * one is set (an organisation key: a file sent around with a bug report must not carry it).
 */
function exported(key: SettingKey, value: unknown): unknown {
  if (key !== 'lookupService' || value === null || typeof value !== 'object') return value;
  const { url, token } = value as { url: string; token?: string };
  return token === undefined ? { url } : { url, token: '(set, not exported)' };
}

export const diagnosticsFileName = (now: Date): string => `intransit-diagnostics-${now.toISOString().slice(0, 10)}.json`;
