// The only way the extension pages (popup, welcome, options) reach the browser and the
// background (Dark Reader's Connector pattern, style.md): components get a Connector as a prop,
// tests pass a fake one. Every request to the background is one typed message of messages.ts.
import browser from 'webextension-polyfill';
import type { CheckManualResponse, TabStateResponse, UiResponses, UiToBg } from '../shared/messages.ts';
import { parseSettings, SETTINGS_KEY, type Settings } from '../shared/settings.ts';

export const POLICY_FETCH_ORIGINS = ['https://*/*'];
export const WELCOME_PAGE = 'src/welcome/index.html';

export interface Connector {
  /** The tab the popup was opened over; null when there is none (e.g. a page opened alone). */
  activeTabId(): Promise<number | null>;
  getTabState(tabId: number): Promise<TabStateResponse>;
  /** Forget the cached results of these domains and check them again. */
  recheck(domains: string[]): Promise<void>;
  /** Check one address or domain typed by the user. */
  checkManual(input: string): Promise<CheckManualResponse>;
  /** Called when what the page shows may have changed (results, permission). Returns unsubscribe. */
  onChange(callback: () => void): () => void;
  hasPolicyPermission(): Promise<boolean>;
  /** Must be called from a user gesture (a click). Resolves to whether it was granted. */
  requestPolicyPermission(): Promise<boolean>;
  /** Ask for access to a resolver's origin (pattern like https://dns.example/*). */
  requestOrigins(origins: string[]): Promise<boolean>;
  openOptions(): Promise<void>;
  openWelcome(): Promise<void>;
  getSettings(): Promise<Settings>;
  saveSettings(settings: Settings): Promise<void>;
}

function send<M extends UiToBg>(message: M): Promise<UiResponses[M['type']]> {
  return browser.runtime.sendMessage(message) as Promise<UiResponses[M['type']]>;
}

export function createBrowserConnector(): Connector {
  return {
    async activeTabId() {
      const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
      return tab?.id ?? null;
    },
    getTabState: (tabId) => send({ type: 'ui/get-tab-state', tabId }),
    async recheck(domains) {
      await send({ type: 'ui/recheck', domains });
    },
    checkManual: (input) => send({ type: 'ui/check-manual', input }),
    onChange(callback) {
      // Compose state and results live in storage.session: any change there may change the view.
      const onStorage = (_changes: unknown, area: string) => {
        if (area === 'session' || area === 'sync') callback();
      };
      const onPermission = () => callback();
      browser.storage.onChanged.addListener(onStorage);
      browser.permissions.onAdded.addListener(onPermission);
      browser.permissions.onRemoved.addListener(onPermission);
      return () => {
        browser.storage.onChanged.removeListener(onStorage);
        browser.permissions.onAdded.removeListener(onPermission);
        browser.permissions.onRemoved.removeListener(onPermission);
      };
    },
    hasPolicyPermission: () => browser.permissions.contains({ origins: POLICY_FETCH_ORIGINS }),
    requestPolicyPermission: () => browser.permissions.request({ origins: POLICY_FETCH_ORIGINS }),
    requestOrigins: (origins) => browser.permissions.request({ origins }),
    openOptions: () => browser.runtime.openOptionsPage(),
    async openWelcome() {
      await browser.tabs.create({ url: browser.runtime.getURL(WELCOME_PAGE) });
    },
    async getSettings() {
      const stored = await browser.storage.sync.get(SETTINGS_KEY);
      return parseSettings(stored[SETTINGS_KEY]);
    },
    async saveSettings(settings) {
      await browser.storage.sync.set({ [SETTINGS_KEY]: settings });
    },
  };
}
