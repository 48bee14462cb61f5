// The popup: the compose windows of the active tab and their recipients; outside webmail, what
// InTransit does and a check by hand. Renders from the Connector only (tests pass a fake).
//
// It renders as soon as the background answers (at once: it does not wait for the settings).
// The organisation's settings add only the name, the help page and the policy-fetch notice, and
// fill in when storage.managed answers, which can take seconds after a browser start.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { TabStateResponse } from '../shared/messages.ts';
import { t } from '../shared/i18n.ts';
import { log } from '../shared/log.ts';
import type { SettingsSnapshot } from '../shared/settings-merge.ts';
import type { Connector } from '../ui/connector.ts';
import { Disclosure } from '../ui/Disclosure.tsx';
import { Legend } from '../ui/Legend.tsx';
import { OrgHelp } from '../ui/OrgHelp.tsx';
import { SendCheckState } from '../ui/SendCheck.tsx';
import { Caveats } from './components/Caveats.tsx';
import { CheckedByNote } from './components/CheckedBy.tsx';
import { ComposeSection } from './components/ComposeSection.tsx';
import { Intro } from './components/Intro.tsx';
import { ManualCheck } from './components/ManualCheck.tsx';

type View =
  | { status: 'loading' }
  | { status: 'ready'; tab: TabStateResponse }
  | { status: 'error' };

/** No tab (or a tab we may not read): the same as a page outside webmail. */
const NO_TAB: Omit<TabStateResponse, 'policyFetchGranted'> = { webmail: null, composes: [], assessments: {} };

/** Changes arrive in bursts (one per finished domain); re-read at most this often. */
const REFRESH_DELAY_MS = 150;

export function App({ connector }: { connector: Connector }) {
  const [view, setView] = useState<View>({ status: 'loading' });
  const [settings, setSettings] = useState<SettingsSnapshot | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const loadTab = useCallback(async () => {
    try {
      const tabId = await connector.activeTabId();
      const tab = tabId === null
        ? { ...NO_TAB, policyFetchGranted: await connector.hasPolicyPermission() }
        : await connector.getTabState(tabId);
      setView({ status: 'ready', tab });
    } catch (error) {
      log.error('popup.tab-state-failed', 'The popup could not get the results from the background.', error);
      setView({ status: 'error' });
    }
  }, [connector]);

  const loadSettings = useCallback(async () => {
    try {
      setSettings(await connector.readSettings());
    } catch (error) {
      // Only the organisation's name, help page and policy notice depend on them.
      log.warning('popup.settings-failed', 'The popup could not read the settings.', error);
    }
  }, [connector]);

  useEffect(() => {
    void loadTab();
    void loadSettings();
    const unsubscribe = connector.onChange(() => {
      if (timer.current !== null) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        void loadTab();
        void loadSettings();
      }, REFRESH_DELAY_MS);
    });
    return () => {
      unsubscribe();
      if (timer.current !== null) clearTimeout(timer.current);
    };
  }, [connector, loadTab, loadSettings]);

  const recheck = (domains: string[]) => {
    void connector.recheck(domains).then(loadTab, (error: unknown) => {
      log.error('popup.recheck-failed', '"Check again" failed.', error);
      setView({ status: 'error' });
    });
  };

  return (
    <>
      <header class="popup-header">
        <img src="/icons/app-32.png" alt="" width={20} height={20} />
        <h1>{t('ext_name')}</h1>
      </header>
      <main>
        {view.status === 'loading' && <p role="status">{t('popup_loading')}</p>}
        {view.status === 'error' && <p role="alert">{t('popup_error_background')}</p>}
        {view.status === 'ready' && <TabView tab={view.tab} settings={settings} connector={connector} onRecheck={recheck} />}
      </main>
      <footer class="popup-footer">
        <Disclosure label={t('legend_heading')}>
          <Legend />
        </Disclosure>
        {settings && <SendCheckState snapshot={settings} />}
        {settings && <OrgHelp settings={settings.settings} />}
        <button type="button" class="link" onClick={() => void connector.openOptions()}>{t('popup_open_options')}</button>
      </footer>
    </>
  );
}

function TabView({ tab, settings, connector, onRecheck }: {
  tab: TabStateResponse;
  settings: SettingsSnapshot | null;
  connector: Connector;
  onRecheck: (domains: string[]) => void;
}) {
  const hasComposes = tab.composes.length > 0;
  // Policy files turned off in the settings: said once, and only where a recipient's verdict rests
  // on DNS alone — never while the organisation's lookup service checks (it reads the policies).
  const fetchOff = tab.checkedBy === undefined && settings?.settings.policyFetch === 'off'
    && tab.composes.some((c) => c.recipients.some((r) => r.policyNotChecked));
  return (
    <>
      {fetchOff && (
        <p class="notice" role="note">
          {t(settings?.sources.policyFetch === 'managed' ? 'popup_policy_off_managed' : 'popup_policy_off')}
        </p>
      )}
      {hasComposes
        ? tab.composes.map((compose, i) => (
            <ComposeSection key={compose.composeId} compose={compose} index={i} count={tab.composes.length}
              assessments={tab.assessments} helpUrl={settings?.settings.helpUrl ?? null} orgName={settings?.settings.orgName ?? null}
              onRecheck={onRecheck} onAllowPolicyChecks={() => void connector.openWelcome('allow')} />
          ))
        : <Intro inWebmail={tab.webmail !== null} />}
      {hasComposes && tab.checkedBy && <CheckedByNote by={tab.checkedBy} />}
      {!hasComposes && <ManualCheck connector={connector} />}
      <Caveats />
    </>
  );
}
