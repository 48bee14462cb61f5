// The popup: the compose windows of the active tab and their recipients; outside webmail, what
// InTransit does and a check by hand. Renders from the Connector only (tests pass a fake).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { TabStateResponse } from '../shared/messages.ts';
import { t } from '../shared/i18n.ts';
import { mergeSettings, type SettingsSnapshot } from '../shared/settings-merge.ts';
import type { Connector } from '../ui/connector.ts';
import { OrgHelp } from '../ui/OrgHelp.tsx';
import { Caveats } from './components/Caveats.tsx';
import { ComposeSection } from './components/ComposeSection.tsx';
import { Intro } from './components/Intro.tsx';
import { ManualCheck } from './components/ManualCheck.tsx';
import { PolicyNotice } from './components/PolicyNotice.tsx';

type View =
  | { status: 'loading' }
  | { status: 'ready'; tab: TabStateResponse; settings: SettingsSnapshot }
  | { status: 'error' };

/** No tab (or a tab we may not read): the same as a page outside webmail. */
const NO_TAB: Omit<TabStateResponse, 'policyFetchGranted'> = { webmail: null, composes: [], assessments: {} };

/** Changes arrive in bursts (one per finished domain); re-read at most this often. */
const REFRESH_DELAY_MS = 150;

export function App({ connector }: { connector: Connector }) {
  const [view, setView] = useState<View>({ status: 'loading' });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(async () => {
    try {
      const tabId = await connector.activeTabId();
      const tab = tabId === null
        ? { ...NO_TAB, policyFetchGranted: await connector.hasPolicyPermission() }
        : await connector.getTabState(tabId);
      // Settings only add the organisation's name, help page and policy-fetch mode: defaults if unreadable.
      const settings = await connector.readSettings().catch(() => mergeSettings({}, {}));
      setView({ status: 'ready', tab, settings });
    } catch {
      setView({ status: 'error' });
    }
  }, [connector]);

  useEffect(() => {
    void load();
    const unsubscribe = connector.onChange(() => {
      if (timer.current !== null) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        void load();
      }, REFRESH_DELAY_MS);
    });
    return () => {
      unsubscribe();
      if (timer.current !== null) clearTimeout(timer.current);
    };
  }, [connector, load]);

  const recheck = (domains: string[]) => {
    void connector.recheck(domains).then(load, () => setView({ status: 'error' }));
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
        {view.status === 'ready' && <TabView tab={view.tab} settings={view.settings} connector={connector} onRecheck={recheck} />}
      </main>
      <footer class="popup-footer">
        {view.status === 'ready' && <OrgHelp settings={view.settings.settings} />}
        <button type="button" class="link" onClick={() => void connector.openOptions()}>{t('popup_open_options')}</button>
      </footer>
    </>
  );
}

function TabView({ tab, settings, connector, onRecheck }: {
  tab: TabStateResponse;
  settings: SettingsSnapshot;
  connector: Connector;
  onRecheck: (domains: string[]) => void;
}) {
  const hasComposes = tab.composes.length > 0;
  // policyFetch 'off' wins over the permission: asking for the permission would change nothing.
  const fetchOff = settings.settings.policyFetch === 'off';
  const policiesFetched = tab.policyFetchGranted && !fetchOff;
  return (
    <>
      {fetchOff && (
        <p class="notice" role="note">
          {t(settings.sources.policyFetch === 'managed' ? 'popup_policy_off_managed' : 'popup_policy_off')}
        </p>
      )}
      {!fetchOff && !tab.policyFetchGranted && <PolicyNotice onOpenWelcome={() => void connector.openWelcome()} />}
      {hasComposes
        ? tab.composes.map((compose, i) => (
            <ComposeSection key={compose.composeId} compose={compose} index={i} count={tab.composes.length} assessments={tab.assessments} onRecheck={onRecheck} />
          ))
        : <Intro inWebmail={tab.webmail !== null} />}
      {!hasComposes && <ManualCheck connector={connector} />}
      <Caveats policyFetchGranted={policiesFetched} />
    </>
  );
}
