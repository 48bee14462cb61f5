// The settings as the background applies them: read from storage.managed + storage.sync
// (src/shared/settings-merge.ts: managed > user > defaults), plus which configured resolvers the
// browser lets us reach. `reload()` after storage.onChanged (areas sync and managed) or a
// permission change says which effective settings changed, so main.ts can decide between
// forgetting cached results (resolvers, policy fetch) and merely re-pushing verdicts (lists,
// threshold, sender) — changes apply live, with no reload of anything.
import type { Reason, SenderCapabilities } from '../core/index.ts';
import { t } from '../shared/i18n.ts';
import type { SendCheckConfig, WebmailId } from '../shared/messages.ts';
import {
  changedSettingKeys, mergeSettings, readSettings, resolverPermissionIssue, splitResolversByPermission,
  type ReadableArea, type SettingIssue, type SettingsSnapshot,
} from '../shared/settings-merge.ts';
import { orgLevelFor, originPattern, type SettingKey } from '../shared/settings.ts';
import type { DomainRules } from './controller.ts';
import { senderFor } from './senders.ts';

export interface AppliedSettings extends SettingsSnapshot {
  /** Configured resolvers the extension may reach, in order. Empty: nothing may be looked up. */
  usableResolvers: string[];
  /** Configured resolvers whose origin is not permitted (never replaced by others). */
  blockedResolvers: string[];
}

export interface SettingsRuntimeDeps {
  /** storage.managed; undefined where the browser has none. */
  managed?: ReadableArea | undefined;
  sync: ReadableArea;
  /** permissions.contains for one origin pattern such as https://dns.example/* */
  hasOrigin(pattern: string): Promise<boolean>;
}

/** Changes of these keys make cached assessments wrong: they must be forgotten. */
export const LOOKUP_KEYS: readonly SettingKey[] = ['resolvers', 'policyFetch', 'lookupService'];

export function createSettingsRuntime(deps: SettingsRuntimeDeps) {
  const initial = mergeSettings({}, {});
  let latest: AppliedSettings = { ...initial, usableResolvers: [...initial.settings.resolvers], blockedResolvers: [] };
  let loading: Promise<AppliedSettings> | null = null;
  /** Reloads run one after another so an older read never overwrites a newer one. */
  let chain: Promise<unknown> = Promise.resolve();

  async function load(): Promise<AppliedSettings> {
    const snapshot = await readSettings(deps);
    const origins = [...new Set(snapshot.settings.resolvers.map(originPattern))];
    const granted = new Set<string>();
    await Promise.all(origins.map(async (o) => {
      if (await deps.hasOrigin(o).catch(() => false)) granted.add(o);
    }));
    const { usable, blocked } = splitResolversByPermission(snapshot.settings.resolvers, (o) => granted.has(o));
    const permissionIssue = resolverPermissionIssue(blocked, snapshot.sources.resolvers);
    const issues: SettingIssue[] = permissionIssue ? [...snapshot.issues, permissionIssue] : snapshot.issues;
    return { ...snapshot, issues, usableResolvers: usable, blockedResolvers: blocked };
  }

  function reloadNow(): Promise<SettingKey[]> {
    const run = chain.then(async () => {
      const before = latest;
      const next = await load();
      latest = next;
      const changed = changedSettingKeys(before.settings, next.settings);
      if (before.usableResolvers.join('\n') !== next.usableResolvers.join('\n') && !changed.includes('resolvers')) changed.push('resolvers');
      return changed;
    });
    chain = run.catch(() => undefined);
    return run;
  }

  return {
    /** The settings once the first read finished (the first storage.managed read can take 2–3 s). */
    ready(): Promise<AppliedSettings> {
      loading ??= reloadNow().then(() => latest);
      return loading;
    },
    /** The last settings read (the defaults before the first read finishes). */
    latest: (): AppliedSettings => latest,
    /** Read again; resolves to the keys whose effective value changed (incl. usable resolvers). */
    async reload(): Promise<SettingKey[]> {
      await this.ready();
      return reloadNow();
    },
  };
}

export type SettingsRuntime = ReturnType<typeof createSettingsRuntime>;

/** The controller's view of the settings. */
export function domainRules(applied: AppliedSettings): DomainRules {
  const { settings } = applied;
  return {
    orgLevelFor: (domain) => orgLevelFor(domain, settings),
    warnAtOrBelow: settings.warnAtOrBelow,
    policyFetch: settings.policyFetch,
    viaService: settings.lookupService !== null,
  };
}

/** What the content scripts need to hold a send (docs/decisions.md "Send-time check"). */
export function sendCheckConfig(applied: AppliedSettings): SendCheckConfig {
  const { sendCheck, warnAtOrBelow, orgName, helpUrl } = applied.settings;
  return { mode: sendCheck, warnAtOrBelow, orgName, helpUrl };
}

export function senderForSettings(applied: AppliedSettings, webmail: WebmailId): SenderCapabilities | undefined {
  return senderFor(webmail, applied.settings.senderEnforces);
}

/**
 * Why nothing may be looked up, or null when a permitted resolver exists. With a lookup service
 * the resolvers are not used (the service resolves): its URL was validated with the setting,
 * and it needs no host permission (docs/lookup-service.md "Who may call it").
 */
export function refusalReason(applied: AppliedSettings): Reason | null {
  if (applied.settings.lookupService !== null) return null;
  // The organisation set a lookup service this extension cannot use (a bad URL or token): its
  // seats must not send the domains to the public resolvers instead (docs/decisions.md
  // "Lookup service"). The options page lists the ignored value with the reason.
  if (applied.issues.some((i) => i.source === 'managed' && i.key === 'lookupService')) {
    return { code: 'settings.lookup-service-invalid', message: t('bg_lookup_service_invalid'), severity: 'error' };
  }
  if (applied.usableResolvers.length > 0) return null;
  const managed = applied.sources.resolvers === 'managed';
  return {
    code: 'settings.resolver-not-permitted',
    message: t(managed ? 'bg_resolver_not_permitted_managed' : 'bg_resolver_not_permitted_user'),
    severity: 'error',
  };
}
