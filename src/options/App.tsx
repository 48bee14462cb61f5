// The options page: every setting of src/shared/settings.ts with validation and one clear error
// per field; settings an organisation set (storage.managed) are shown locked with "Set by your
// organisation"; ignored values are listed with their reason; a resolver test, "clear cache"
// (results and the MTA-STS policies kept on this device) and a diagnostics export (settings,
// storage health and the recent log; no addresses, no checked domains). Renders from the
// Connector only.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { t, tPlural } from '../shared/i18n.ts';
import { levelMeaning, levelName } from '../shared/level-display.ts';
import { log } from '../shared/log.ts';
import {
  isLocked, resolverPermissionIssue, splitResolversByPermission, type SettingIssue, type SettingsSnapshot,
} from '../shared/settings-merge.ts';
import { originPattern, SEND_CHECK_MODES, SETTING_KEYS, WARN_LEVELS, type SettingKey } from '../shared/settings.ts';
import type { Level } from '../core/types.ts';
import type { Connector } from '../ui/connector.ts';
import { SendCheckOffer, SendCheckState } from '../ui/SendCheck.tsx';
import { buildDiagnostics, diagnosticsFileName } from './diagnostics.ts';
import {
  draftFrom, extraResolverOrigins, parseDraft, parseLookupServiceFields, parseResolverList, userChanges, withValuesOf, type Draft, type FieldErrors,
} from './form.ts';
import { ResolverTests, type TestState } from './ResolverTests.tsx';
import { ServiceStatus, type ServiceCheck } from './ServiceStatus.tsx';

export { parseResolverList };

type Status = { kind: 'idle' } | { kind: 'saved' } | { kind: 'error'; message: string };

interface Loaded {
  snapshot: SettingsSnapshot;
  policyPermission: boolean;
  /** Configured resolver URL -> whether its origin is permitted. */
  resolverPermitted: Record<string, boolean>;
}

/** A permission call that failed counts as "not granted"; the failure is logged, not swallowed. */
const notGranted = (what: string) => (error: unknown): false => {
  log.warning('permissions.failed', what, error);
  return false;
};

async function load(connector: Connector): Promise<Loaded> {
  const snapshot = await connector.readSettings();
  const [policyPermission, permitted] = await Promise.all([
    connector.hasPolicyPermission().catch(notGranted('Whether policy checks are allowed could not be read.')),
    Promise.all(snapshot.settings.resolvers.map(async (url) => [url, await connector.hasOrigins([originPattern(url)]).catch(notGranted('Whether a resolver may be reached could not be read.'))] as const)),
  ]);
  return { snapshot, policyPermission, resolverPermitted: Object.fromEntries(permitted) };
}

/** The snapshot's issues plus "this resolver is not permitted" found by the page. */
function pageIssues(loaded: Loaded): { all: SettingIssue[]; extra: SettingIssue[]; blocked: string[] } {
  const { snapshot } = loaded;
  const { blocked } = splitResolversByPermission(snapshot.settings.resolvers, (o) =>
    snapshot.settings.resolvers.some((u) => originPattern(u) === o && loaded.resolverPermitted[u] === true));
  const extraIssue = resolverPermissionIssue(blocked, snapshot.sources.resolvers);
  const extra = extraIssue ? [extraIssue] : [];
  return { all: [...snapshot.issues, ...extra], extra, blocked };
}

export function App({ connector }: { connector: Connector }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const dirty = useRef(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [tests, setTests] = useState<Record<string, TestState>>({});
  const [maintenance, setMaintenance] = useState<string>('');
  const [cacheCounts, setCacheCounts] = useState<{ assessments: number; policies: number } | null>(null);
  const [serviceCheck, setServiceCheck] = useState<ServiceCheck>({ kind: 'idle' });
  /** The lookup service whose connection was last asked about (JSON), so a reload asks only on change. */
  const checkedService = useRef<string | null>(null);

  /** Asks the background for the connection state (GET /v1/info); `service` absent: the one in effect. */
  const checkService = useCallback(async (service?: { url: string; token?: string }) => {
    setServiceCheck({ kind: 'testing' });
    try {
      setServiceCheck({ kind: 'done', status: await connector.lookupServiceStatus(service) });
    } catch (error) {
      log.warning('options.service-status-failed', 'The background did not answer about the lookup service.', error);
      setServiceCheck({ kind: 'error' });
    }
  }, [connector]);

  const refreshCaches = useCallback(async () => {
    try {
      setCacheCounts(await connector.cacheStats());
    } catch (error) {
      log.warning('options.cache-stats-failed', 'The caches could not be counted.', error);
    }
  }, [connector]);

  const refresh = useCallback(async () => {
    const next = await load(connector);
    setLoaded(next);
    // The connection state of the lookup service in effect, asked again only when it changed.
    const effective = next.snapshot.settings.lookupService;
    const key = JSON.stringify(effective);
    if (checkedService.current !== key) {
      checkedService.current = key;
      if (effective === null) setServiceCheck({ kind: 'idle' });
      else void checkService();
    }
    const locked = SETTING_KEYS.filter((k) => isLocked(next.snapshot, k));
    // Keep what the person is typing; locked settings always show the organisation's value.
    setDraft((prev) => (prev && dirty.current ? withValuesOf(prev, next.snapshot.settings, locked) : draftFrom(next.snapshot.settings)));
  }, [connector, checkService]);

  useEffect(() => {
    void refresh();
    void refreshCaches();
    return connector.onChange(() => {
      void refresh();
      void refreshCaches();
    });
  }, [connector, refresh, refreshCaches]);

  if (!loaded || !draft) return <main class="page"><p role="status">{t('options_loading')}</p></main>;

  const { snapshot } = loaded;
  const current = loaded;
  const locked = new Set<SettingKey>(SETTING_KEYS.filter((k) => isLocked(snapshot, k)));
  const issues = pageIssues(loaded);
  const { orgName, helpUrl } = snapshot.settings;
  /** Resolvers and policy fetching are the lookup service's while one is set (docs/lookup-service.md). */
  const viaService = snapshot.settings.lookupService !== null;

  const edit = (patch: Partial<Draft>) => {
    dirty.current = true;
    setDraft({ ...draft, ...patch });
    setStatus({ kind: 'idle' });
  };

  async function save(event: Event) {
    event.preventDefault();
    if (!draft) return;
    const parsed = parseDraft(draft, locked);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      setStatus({ kind: 'error', message: t('options_fix_errors') });
      return;
    }
    setErrors({});
    // A resolver outside the manifest's hosts needs its origin granted, within this click:
    // permissions.request must be the first await of the handler.
    const extra = locked.has('resolvers') ? [] : extraResolverOrigins(parsed.values.resolvers);
    if (extra.length > 0) {
      const granted = await connector.requestOrigins(extra).catch(notGranted('Asking for access to a resolver failed.'));
      if (!granted) {
        setErrors({ resolvers: t('options_resolvers_permission_refused') });
        setStatus({ kind: 'error', message: t('options_resolvers_permission_refused') });
        return;
      }
    }
    const { set, reset } = userChanges(parsed.values, locked);
    try {
      await connector.saveSettings(set, reset);
    } catch (error) {
      log.error('options.save-failed', 'Saving the settings failed.', error);
      setStatus({ kind: 'error', message: t('options_save_failed', [String(error).slice(0, 200)]) });
      return;
    }
    dirty.current = false;
    setStatus({ kind: 'saved' });
    await refresh();
  }

  async function restoreDefaults() {
    const reset = SETTING_KEYS.filter((k) => !locked.has(k));
    try {
      await connector.saveSettings({}, reset);
    } catch (error) {
      log.error('options.save-failed', 'Restoring the defaults failed.', error);
      setStatus({ kind: 'error', message: t('options_save_failed', [String(error).slice(0, 200)]) });
      return;
    }
    dirty.current = false;
    setErrors({});
    setStatus({ kind: 'saved' });
    await refresh();
  }

  async function testResolvers() {
    if (!draft) return;
    const parsed = parseResolverList(draft.resolvers);
    if (!parsed.ok) {
      setErrors({ ...errors, resolvers: parsed.message });
      return;
    }
    const extra = extraResolverOrigins(parsed.urls);
    // First await of the click handler: the permission prompt needs the user gesture.
    const granted = extra.length === 0 || (await connector.requestOrigins(extra).catch(notGranted('Asking for access to a resolver failed.')));
    if (!granted) {
      setTests(Object.fromEntries(parsed.urls.map((u) => [u, { kind: 'not-permitted' } as TestState])));
      return;
    }
    setTests(Object.fromEntries(parsed.urls.map((u) => [u, { kind: 'running' } as TestState])));
    await Promise.all(parsed.urls.map(async (url) => {
      const result = await connector.testResolver(url);
      setTests((prev) => ({ ...prev, [url]: { kind: 'done', result } }));
    }));
  }

  /** "Test connection": the service typed into the form when it is valid and differs, else the one in effect. */
  async function testService() {
    if (!draft) return;
    const typed = parseLookupServiceFields(draft.lookupServiceUrl, draft.lookupServiceToken);
    if (!typed.ok && !locked.has('lookupService')) {
      setErrors({ ...errors, lookupService: typed.message });
      return;
    }
    const effective = snapshot.settings.lookupService;
    const candidate = typed.ok && !locked.has('lookupService') ? typed.value : effective;
    if (candidate === null) {
      setServiceCheck({ kind: 'done', status: { state: 'off' } });
      return;
    }
    await checkService(JSON.stringify(candidate) === JSON.stringify(effective) ? undefined : candidate);
  }

  async function allowBlockedResolvers() {
    const granted = await connector.requestOrigins([...new Set(issues.blocked.map(originPattern))]).catch(notGranted('Asking for access to a resolver failed.'));
    if (granted) await refresh();
  }

  async function clearCache() {
    setMaintenance('');
    try {
      await connector.clearCache();
      setMaintenance(t('options_cache_cleared'));
      void refreshCaches();
    } catch (error) {
      log.error('options.clear-cache-failed', 'Clearing the cache failed.', error);
      setMaintenance(t('options_cache_clear_failed'));
    }
  }

  async function exportDiagnostics() {
    const now = new Date();
    const [caches, background] = await Promise.all([
      connector.cacheStats().catch((error: unknown) => {
        log.warning('options.cache-stats-failed', 'The caches could not be counted for the diagnostics.', error);
        return null;
      }),
      connector.diagnostics().catch((error: unknown) => {
        log.warning('options.diagnostics-failed', 'The background did not answer for the diagnostics.', error);
        return null;
      }),
    ]);
    const data = buildDiagnostics({
      snapshot, extraIssues: issues.extra, policyPermission: current.policyPermission,
      resolverPermissions: current.resolverPermitted, caches: caches ?? { assessments: 0, policies: 0 },
      storage: background?.storage ?? null, log: { background: background?.log ?? [], page: log.entries() },
      extension: connector.extensionInfo(), now,
    });
    connector.saveFile(diagnosticsFileName(now), `${JSON.stringify(data, null, 2)}\n`, 'application/json');
    setMaintenance(t('options_diagnostics_saved'));
  }

  const field = (key: SettingKey) => ({
    disabled: locked.has(key),
    'aria-invalid': errors[key] !== undefined ? true : undefined,
    'aria-describedby': [`${key}-help`, locked.has(key) ? `${key}-lock` : '', errors[key] ? `${key}-error` : ''].filter(Boolean).join(' '),
  });

  return (
    <main class="page">
      <header class="page-header">
        <img src="/icons/app-48.png" alt="" width={48} height={48} />
        <h1>{t('options_title')}</h1>
      </header>

      {(orgName !== null || helpUrl !== null) && (
        <section class="org" aria-label={t('options_org_section')}>
          <p>{orgName !== null ? t('options_org_managed_by', [orgName]) : t('options_org_managed')}</p>
          {helpUrl !== null && <p><a href={helpUrl} target="_blank" rel="noopener noreferrer">{orgName !== null ? t('org_help_link_named', [orgName]) : t('org_help_link')}</a></p>}
        </section>
      )}

      {issues.all.length > 0 && (
        <section class="notice" aria-labelledby="issues-heading">
          <h2 id="issues-heading">{t('options_issues_heading')}</h2>
          <ul class="issues">
            {issues.all.map((issue, i) => <li key={`${issue.key}-${i}`} data-code={issue.code}>{issue.message}</li>)}
          </ul>
          {issues.blocked.length > 0 && (
            <button type="button" onClick={() => void allowBlockedResolvers()}>{t('options_allow_resolver')}</button>
          )}
        </section>
      )}

      <form onSubmit={(e) => void save(e)} noValidate>
        <Section id="lookupService" heading={t('options_service_heading')} help={t('options_service_help')} locked={locked.has('lookupService')} error={errors.lookupService}>
          <label for="lookupServiceUrl">{t('options_service_url_label')}</label>
          <input id="lookupServiceUrl" type="url" spellcheck={false} placeholder="https://intransit.example.org" value={draft.lookupServiceUrl} {...field('lookupService')}
            onInput={(e) => edit({ lookupServiceUrl: (e.target as HTMLInputElement).value })} />
          <label for="lookupServiceToken">{t('options_service_token_label')}</label>
          <input id="lookupServiceToken" type="password" autocomplete="off" spellcheck={false} value={draft.lookupServiceToken} {...field('lookupService')}
            onInput={(e) => edit({ lookupServiceToken: (e.target as HTMLInputElement).value })} />
          <div class="actions">
            <button type="button" onClick={() => void testService()}>{t('options_service_test')}</button>
          </div>
          <ServiceStatus check={serviceCheck} />
        </Section>

        <Section id="resolvers" heading={t('options_resolvers_heading')} help={t('options_resolvers_help')} locked={locked.has('resolvers')} error={errors.resolvers}>
          {viaService && <p class="notice" data-testid="handled-by-service">{t('options_handled_by_service')}</p>}
          <label for="resolvers">{t('options_resolvers_label')}</label>
          <textarea id="resolvers" spellcheck={false} value={draft.resolvers} {...field('resolvers')}
            onInput={(e) => edit({ resolvers: (e.target as HTMLTextAreaElement).value })} />
          <div class="actions">
            <button type="button" onClick={() => void testResolvers()}>{t('options_test_resolvers')}</button>
          </div>
          <ResolverTests tests={tests} />
        </Section>

        <Section id="policyFetch" heading={t('options_policy_heading')} help={t('options_policy_help')} locked={locked.has('policyFetch')}>
          {viaService && <p class="notice" data-testid="handled-by-service">{t('options_handled_by_service')}</p>}
          <fieldset disabled={locked.has('policyFetch')} aria-describedby="policyFetch-help">
            <legend class="visually-hidden">{t('options_policy_heading')}</legend>
            <label class="choice"><input type="radio" name="policyFetch" value="auto" checked={draft.policyFetch === 'auto'} onChange={() => edit({ policyFetch: 'auto' })} /> {t('options_policy_auto')}</label>
            <label class="choice"><input type="radio" name="policyFetch" value="off" checked={draft.policyFetch === 'off'} onChange={() => edit({ policyFetch: 'off' })} /> {t('options_policy_off')}</label>
          </fieldset>
          {!viaService && (
            <p id="policy-permission" role="status">
              {loaded.policyPermission ? t('options_policy_permission_granted') : t('options_policy_permission_missing')}
            </p>
          )}
          {!viaService && !loaded.policyPermission && draft.policyFetch === 'auto' && (
            <button type="button" onClick={() => void connector.requestPolicyPermission().catch(notGranted('Asking for the policy-check permission failed.')).then(() => refresh())}>{t('welcome_permission_button')}</button>
          )}
        </Section>

        <Section id="policyCache" heading={t('options_policy_cache_heading')} help={t('options_policy_cache_help')} locked={locked.has('policyCache')}>
          <fieldset disabled={locked.has('policyCache')} aria-describedby="policyCache-help">
            <legend class="visually-hidden">{t('options_policy_cache_heading')}</legend>
            <label class="choice"><input type="radio" name="policyCache" value="disk" checked={draft.policyCache === 'disk'} onChange={() => edit({ policyCache: 'disk' })} /> {t('options_policy_cache_disk')}</label>
            <label class="choice"><input type="radio" name="policyCache" value="memory" checked={draft.policyCache === 'memory'} onChange={() => edit({ policyCache: 'memory' })} /> {t('options_policy_cache_memory')}</label>
          </fieldset>
        </Section>

        <Section id="internalDomains" heading={t('options_internal_heading')} help={t('options_internal_help')} locked={locked.has('internalDomains')} error={errors.internalDomains}>
          <label for="internalDomains">{t('options_domains_label')}</label>
          <textarea id="internalDomains" spellcheck={false} value={draft.internalDomains} {...field('internalDomains')}
            onInput={(e) => edit({ internalDomains: (e.target as HTMLTextAreaElement).value })} />
        </Section>

        <Section id="requiredTlsDomains" heading={t('options_required_heading')} help={t('options_required_help')} locked={locked.has('requiredTlsDomains')} error={errors.requiredTlsDomains}>
          <label for="requiredTlsDomains">{t('options_domains_label')}</label>
          <textarea id="requiredTlsDomains" spellcheck={false} value={draft.requiredTlsDomains} {...field('requiredTlsDomains')}
            onInput={(e) => edit({ requiredTlsDomains: (e.target as HTMLTextAreaElement).value })} />
        </Section>

        <Section id="skipDomains" heading={t('options_skip_heading')} help={t('options_skip_help')} locked={locked.has('skipDomains')} error={errors.skipDomains}>
          <label for="skipDomains">{t('options_domains_label')}</label>
          <textarea id="skipDomains" spellcheck={false} value={draft.skipDomains} {...field('skipDomains')}
            onInput={(e) => edit({ skipDomains: (e.target as HTMLTextAreaElement).value })} />
        </Section>

        <Section id="warnAtOrBelow" heading={t('options_warn_heading')} help={t('options_warn_help')} locked={locked.has('warnAtOrBelow')}>
          <label for="warnAtOrBelow">{t('options_warn_label')}</label>
          <select id="warnAtOrBelow" value={draft.warnAtOrBelow} {...field('warnAtOrBelow')}
            onChange={(e) => edit({ warnAtOrBelow: (e.target as HTMLSelectElement).value as Level })}>
            {WARN_LEVELS.map((level) => <option key={level} value={level}>{levelName(level)}</option>)}
          </select>
          <p class="muted" id="warnAtOrBelow-meaning">{levelMeaning(draft.warnAtOrBelow)}</p>
        </Section>

        <Section id="sendCheck" heading={t('options_send_check_heading')} help={t('options_send_check_help')} locked={locked.has('sendCheck')}>
          <SendCheckState snapshot={snapshot} />
          <SendCheckOffer snapshot={snapshot} connector={connector} onSaved={() => {
            // Saved at once; a form with other unsaved changes must not put "off" back on Save.
            setDraft((d) => d && { ...d, sendCheck: 'confirm' });
            void refresh();
          }} />
          <fieldset disabled={locked.has('sendCheck')} aria-describedby="sendCheck-help">
            <legend class="visually-hidden">{t('options_send_check_heading')}</legend>
            {SEND_CHECK_MODES.map((mode) => (
              <label class="choice" key={mode}><input type="radio" name="sendCheck" value={mode} checked={draft.sendCheck === mode} onChange={() => edit({ sendCheck: mode })} /> {t(`options_send_check_${mode}`)}</label>
            ))}
          </fieldset>
        </Section>

        <Section id="senderEnforces" heading={t('options_sender_heading')} help={t('options_sender_help')} locked={locked.has('senderEnforces')}>
          <fieldset disabled={locked.has('senderEnforces')} aria-describedby="senderEnforces-help">
            <legend class="visually-hidden">{t('options_sender_heading')}</legend>
            <label class="choice"><input type="radio" name="senderMode" checked={draft.senderMode === 'builtin'} onChange={() => edit({ senderMode: 'builtin' })} /> {t('options_sender_builtin')}</label>
            <label class="choice"><input type="radio" name="senderMode" checked={draft.senderMode === 'custom'} onChange={() => edit({ senderMode: 'custom' })} /> {t('options_sender_custom')}</label>
            <div class="indent">
              <label class="choice"><input type="checkbox" checked={draft.senderMtaSts} disabled={draft.senderMode !== 'custom'} onChange={(e) => edit({ senderMtaSts: (e.target as HTMLInputElement).checked })} /> {t('options_sender_mta_sts')}</label>
              <label class="choice"><input type="checkbox" checked={draft.senderDane} disabled={draft.senderMode !== 'custom'} onChange={(e) => edit({ senderDane: (e.target as HTMLInputElement).checked })} /> {t('options_sender_dane')}</label>
            </div>
          </fieldset>
        </Section>

        <Section id="orgName" heading={t('options_org_heading')} help={t('options_org_help')} locked={locked.has('orgName')} error={errors.orgName}>
          <label for="orgName">{t('options_org_name_label')}</label>
          <input id="orgName" type="text" maxLength={200} value={draft.orgName} {...field('orgName')}
            onInput={(e) => edit({ orgName: (e.target as HTMLInputElement).value })} />
        </Section>

        <Section id="helpUrl" heading={t('options_help_heading')} help={t('options_help_help')} locked={locked.has('helpUrl')} error={errors.helpUrl}>
          <label for="helpUrl">{t('options_help_url_label')}</label>
          <input id="helpUrl" type="url" value={draft.helpUrl} {...field('helpUrl')}
            onInput={(e) => edit({ helpUrl: (e.target as HTMLInputElement).value })} />
        </Section>

        <div class="actions save-bar">
          <button type="submit" class="primary">{t('options_save')}</button>
          <button type="button" onClick={() => void restoreDefaults()}>{t('options_reset')}</button>
        </div>
        <div id="save-status" role="status" aria-live="polite">
          {status.kind === 'saved' && <p>{t('options_saved')}</p>}
          {status.kind === 'error' && <p class="notice">{status.message}</p>}
        </div>
      </form>

      <h2>{t('options_maintenance_heading')}</h2>
      <p>{t('options_maintenance_help')}</p>
      {cacheCounts !== null && (
        <p id="cache-counts" data-testid="cache-counts">
          {tPlural(snapshot.settings.policyCache === 'memory' ? 'options_policies_in_memory' : 'options_policies_on_disk', cacheCounts.policies)}
        </p>
      )}
      <div class="actions">
        <button type="button" onClick={() => void clearCache()}>{t('options_clear_cache')}</button>
        <button type="button" onClick={() => void exportDiagnostics()}>{t('options_export_diagnostics')}</button>
      </div>
      <p role="status" aria-live="polite">{maintenance}</p>

      <h2>{t('options_about_heading')}</h2>
      <p>
        <button type="button" class="link" onClick={() => void connector.openWelcome()}>{t('options_open_welcome')}</button>
      </p>
    </main>
  );
}

function Section({ id, heading, help, locked, error, children }: {
  id: SettingKey;
  heading: string;
  help: string;
  locked: boolean;
  error?: string | undefined;
  children: ComponentChildren;
}) {
  return (
    <section class="setting" aria-labelledby={`${id}-heading`} data-setting={id} data-locked={locked ? 'true' : undefined}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      <p id={`${id}-help`} class="muted">{help}</p>
      {locked && <p class="locked" id={`${id}-lock`}>{t('options_locked')}</p>}
      {children}
      {error !== undefined && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </section>
  );
}
