// The welcome page, opened once on install and by "policy not checked — allow" (at #allow):
// what InTransit does, what each level means, what leaves the browser and what is kept where,
// and the optional permission with its reason (docs/architecture.md "Permissions").
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../shared/i18n.ts';
import { log } from '../shared/log.ts';
import { webmailNamesOr } from '../shared/webmail-names.ts';
import type { SettingsSnapshot } from '../shared/settings-merge.ts';
import type { Connector } from '../ui/connector.ts';
import { Legend } from '../ui/Legend.tsx';
import { OrgHelp } from '../ui/OrgHelp.tsx';
import { SendCheckOffer, SendCheckState } from '../ui/SendCheck.tsx';

type Permission = 'unknown' | 'granted' | 'missing' | 'refused';

export function App({ connector, section = null }: { connector: Connector; section?: string | null }) {
  const [permission, setPermission] = useState<Permission>('unknown');
  const [settings, setSettings] = useState<SettingsSnapshot | null>(null);
  const allowButton = useRef<HTMLButtonElement | null>(null);
  const permissionSection = useRef<HTMLElement | null>(null);

  const refresh = useCallback(async () => {
    const [granted, snapshot] = await Promise.all([
      connector.hasPolicyPermission().catch((error: unknown) => {
        log.warning('permissions.failed', 'Whether policy checks are allowed could not be read.', error);
        return false;
      }),
      connector.readSettings().catch((error: unknown) => {
        log.warning('welcome.settings-failed', 'The welcome page could not read the settings.', error);
        return null;
      }),
    ]);
    setSettings(snapshot);
    setPermission((prev) => (granted ? 'granted' : prev === 'refused' ? 'refused' : 'missing'));
  }, [connector]);
  // The organisation may have turned policy fetching off: then the permission would change nothing.
  const fetchOffByOrg = settings?.settings.policyFetch === 'off' && settings.sources.policyFetch === 'managed';
  const policiesInMemory = settings?.settings.policyCache === 'memory';
  // The organisation's lookup service gets the domains and reads the policy files: no resolver
  // is asked and no permission is needed here (docs/lookup-service.md).
  const viaService = (settings?.settings.lookupService ?? null) !== null;
  const noPermissionNeeded = fetchOffByOrg || viaService;

  useEffect(() => {
    void refresh();
    return connector.onChange(() => void refresh());
  }, [connector, refresh]);

  // Opened from a badge's "policy not checked — allow": straight to the permission and its button.
  useEffect(() => {
    if (section !== 'allow' || permission === 'unknown') return;
    permissionSection.current?.scrollIntoView({ block: 'start' });
    allowButton.current?.focus();
  }, [section, permission]);

  async function request() {
    // permissions.request must run in the click's user gesture: no await before it.
    const granted = await connector.requestPolicyPermission().catch((error: unknown) => {
      log.warning('permissions.failed', 'Asking for the policy-check permission failed.', error);
      return false;
    });
    setPermission(granted ? 'granted' : 'refused');
  }

  return (
    <main class="page">
      <header class="page-header">
        <img src="/icons/app-48.png" alt="" width={48} height={48} />
        <h1>{t('welcome_title')}</h1>
      </header>

      {settings && <OrgHelp settings={settings.settings} class="notice" />}

      <section aria-labelledby="what">
        <h2 id="what">{t('welcome_what_heading')}</h2>
        <p>{t('welcome_what_1')}</p>
        <p>{t('welcome_what_2', [webmailNamesOr()])}</p>
      </section>

      <section aria-labelledby="legend">
        <h2 id="legend">{t('legend_heading')}</h2>
        <Legend />
      </section>

      <section aria-labelledby="send-check">
        <h2 id="send-check">{t('welcome_send_check_heading')}</h2>
        <p>{t('welcome_send_check_text')}</p>
        {settings && (
          <div role="status" aria-live="polite">
            <SendCheckState snapshot={settings} />
          </div>
        )}
        {settings && <SendCheckOffer snapshot={settings} connector={connector} onSaved={() => void refresh()} />}
      </section>

      <section aria-labelledby="privacy">
        <h2 id="privacy">{t('welcome_privacy_heading')}</h2>
        <ul>
          <li>{t('welcome_privacy_domains')}</li>
          {viaService ? <li>{t('welcome_privacy_service')}</li> : (
            <>
              <li>{t('welcome_privacy_resolver')}</li>
              <li>{t('welcome_privacy_policy_host')}</li>
            </>
          )}
          <li>{t('welcome_privacy_nothing_else')}</li>
        </ul>
        <h3>{t('welcome_stored_heading')}</h3>
        <ul>
          <li>{t('welcome_stored_results')}</li>
          <li>{t(policiesInMemory ? 'welcome_stored_policies_memory' : 'welcome_stored_policies_disk')}</li>
        </ul>
      </section>

      <section aria-labelledby="permission" id="allow" ref={permissionSection}>
        <h2 id="permission">{t('welcome_permission_heading')}</h2>
        <p>{t('welcome_permission_why')}</p>
        <p>{t('welcome_permission_scope')}</p>
        <div role="status" aria-live="polite">
          {viaService && <p>{t('welcome_permission_not_needed_service')}</p>}
          {!viaService && fetchOffByOrg && <p>{t('welcome_policy_off_managed')}</p>}
          {!noPermissionNeeded && permission === 'granted' && <p class="ok">{t('welcome_permission_granted')}</p>}
          {!noPermissionNeeded && permission === 'missing' && <p>{t('welcome_permission_missing')}</p>}
          {!noPermissionNeeded && permission === 'refused' && <p class="notice">{t('welcome_permission_refused')}</p>}
        </div>
        {!noPermissionNeeded && permission !== 'granted' && (
          <button type="button" class="primary" ref={allowButton} onClick={() => void request()}>{t('welcome_permission_button')}</button>
        )}
      </section>

      <p>
        <button type="button" class="link" onClick={() => void connector.openOptions()}>{t('welcome_open_options')}</button>
      </p>
    </main>
  );
}
