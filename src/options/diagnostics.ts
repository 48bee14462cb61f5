// The diagnostics export of the options page: what an admin or a bug report needs to see why
// InTransit behaves as it does — version, browser, every effective setting with its source, the
// ignored values, permissions and cache sizes. It holds no recipient, no address and no domain
// that was checked: caches are counted, never listed.
import type { SettingIssue, SettingsSnapshot } from '../shared/settings-merge.ts';
import { SETTING_KEYS } from '../shared/settings.ts';
import type { CacheStats, ExtensionInfo } from '../ui/connector.ts';

export const DIAGNOSTICS_FORMAT = 'intransit-diagnostics/1';

export interface DiagnosticsInput {
  snapshot: SettingsSnapshot;
  /** Issues found by the page (e.g. a resolver that is not permitted), after the snapshot's. */
  extraIssues: SettingIssue[];
  policyPermission: boolean;
  /** Per configured resolver URL: whether its origin is permitted. */
  resolverPermissions: Record<string, boolean>;
  caches: CacheStats;
  extension: ExtensionInfo;
  now: Date;
}

export function buildDiagnostics(input: DiagnosticsInput): Record<string, unknown> {
  const { snapshot } = input;
  return {
    format: DIAGNOSTICS_FORMAT,
    generatedAt: input.now.toISOString(),
    extension: { id: input.extension.id, version: input.extension.version },
    userAgent: input.extension.userAgent,
    settings: Object.fromEntries(SETTING_KEYS.map((k) => [k, { value: snapshot.settings[k], source: snapshot.sources[k] }])),
    issues: [...snapshot.issues, ...input.extraIssues].map(({ source, key, code, message }) => ({ source, key, code, message })),
    permissions: { policyFetch: input.policyPermission, resolvers: input.resolverPermissions },
    caches: { assessments: input.caches.assessments, policies: input.caches.policies },
  };
}

export const diagnosticsFileName = (now: Date): string => `intransit-diagnostics-${now.toISOString().slice(0, 10)}.json`;
