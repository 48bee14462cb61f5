// The only way the extension pages (popup, welcome, options) reach the browser and the
// background (the Connector pattern of docs/architecture.md): components get a Connector as a prop,
// tests pass a fake one. Every request to the background is one typed message of messages.ts.
import browser from 'webextension-polyfill';
import type { CheckManualResponse, DiagnosticsResponse, LookupServiceStatus, TabStateResponse, UiResponses, UiToBg } from '../shared/messages.ts';
import { log } from '../shared/log.ts';
import type { SettingsSnapshot } from '../shared/settings-merge.ts';
import type { SettingKey, Settings } from '../shared/settings.ts';
import type { ResolverTestResult } from './resolver-test.ts';

export const POLICY_FETCH_ORIGINS = ['https://*/*'];
export const WELCOME_PAGE = 'src/welcome/index.html';
/** Key prefixes of the caches (src/background/assessment-cache.ts, policy-cache.ts). */
const ASSESSMENT_PREFIX = 'assess:';
const POLICY_PREFIX = 'mtasts:';

export interface CacheStats {
  /** Assessments kept in storage.session (counts only: the export names no domain). */
  assessments: number;
  /** MTA-STS policies kept on disk (storage.local) or in memory (storage.session). */
  policies: number;
}

export interface ExtensionInfo {
  id: string;
  version: string;
  userAgent: string;
}

export interface Connector {
  /** The tab the popup was opened over; null when there is none (e.g. a page opened alone). */
  activeTabId(): Promise<number | null>;
  getTabState(tabId: number): Promise<TabStateResponse>;
  /** Forget the cached results of these domains and check them again. */
  recheck(domains: string[]): Promise<void>;
  /** Check one address or domain typed by the user. */
  checkManual(input: string): Promise<CheckManualResponse>;
  /** Called when what the page shows may have changed (results, permission, settings). Returns unsubscribe. */
  onChange(callback: () => void): () => void;
  hasPolicyPermission(): Promise<boolean>;
  /** Must be called from a user gesture (a click). Resolves to whether it was granted. */
  requestPolicyPermission(): Promise<boolean>;
  /** Ask for access to a resolver's origin (pattern like https://dns.example/*); from a click. */
  requestOrigins(origins: string[]): Promise<boolean>;
  /** Whether the extension may reach every one of these origin patterns. */
  hasOrigins(origins: string[]): Promise<boolean>;
  openOptions(): Promise<void>;
  /** `section` 'allow': the welcome page opens at its permission flow. */
  openWelcome(section?: 'allow'): Promise<void>;
  /** The effective settings (managed > user > defaults), where each came from, and what was ignored. */
  readSettings(): Promise<SettingsSnapshot>;
  /** Store user values (storage.sync) and remove the user's value of `reset` keys (back to default). */
  saveSettings(values: Partial<Settings>, reset: SettingKey[]): Promise<void>;
  /** One DoH query to this resolver (example.com MX) to see that it answers and validates DNSSEC. */
  testResolver(url: string): Promise<ResolverTestResult>;
  /** Forget every cached assessment, DNS answer and MTA-STS policy (through the background). */
  clearCache(): Promise<void>;
  cacheStats(): Promise<CacheStats>;
  /** The background's recent log entries and storage health (for the diagnostics export). */
  diagnostics(): Promise<DiagnosticsResponse>;
  /**
   * The organisation's lookup service, asked by the background (GET /v1/info): `service` as typed
   * into the options form, or the one in effect when absent.
   */
  lookupServiceStatus(service?: { url: string; token?: string }): Promise<LookupServiceStatus>;
  extensionInfo(): ExtensionInfo;
  /** Offer a text file for download (the diagnostics export). */
  saveFile(name: string, text: string, type: string): void;
}

function send<M extends UiToBg>(message: M): Promise<UiResponses[M['type']]> {
  return browser.runtime.sendMessage(message) as Promise<UiResponses[M['type']]>;
}

type StorageArea = { get(keys?: string | string[] | null): Promise<Record<string, unknown>> };
const storage = browser.storage as typeof browser.storage & { session?: StorageArea; managed?: StorageArea };

async function countKeys(area: StorageArea | undefined, prefix: string): Promise<number> {
  if (!area) return 0;
  const all = await area.get(null).catch((error: unknown) => {
    log.warning('storage.read-failed', 'A cache could not be counted.', error);
    return {};
  });
  return Object.keys(all).filter((k) => k.startsWith(prefix)).length;
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
      // Compose state and results live in storage.session; settings in sync and managed.
      const onStorage = (_changes: unknown, area: string) => {
        if (area === 'session' || area === 'sync' || area === 'managed') callback();
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
    hasOrigins: (origins) => browser.permissions.contains({ origins }),
    openOptions: () => browser.runtime.openOptionsPage(),
    async openWelcome(section) {
      await browser.tabs.create({ url: browser.runtime.getURL(section ? `${WELCOME_PAGE}#${section}` : WELCOME_PAGE) });
    },
    // Loaded on demand: the settings' validation (domain patterns, IDNA) is not needed for the
    // popup's first render, which comes from the background; the settings fill in after it.
    readSettings: async () => (await import('../shared/settings-merge.ts')).readSettings({ managed: storage.managed, sync: browser.storage.sync }),
    async saveSettings(values, reset) {
      if (Object.keys(values).length > 0) await browser.storage.sync.set(values);
      if (reset.length > 0) await browser.storage.sync.remove(reset);
    },
    // Loaded on demand: the DoH client and the DNS wire codec are only needed by the options
    // page's "test resolver" button, and would double the popup's bundle.
    testResolver: async (url) => (await import('./resolver-test.ts')).testResolver(url, globalThis.fetch.bind(globalThis)),
    async clearCache() {
      await send({ type: 'ui/clear-cache' });
    },
    async cacheStats() {
      const [assessments, onDisk, inMemory] = await Promise.all([
        countKeys(storage.session, ASSESSMENT_PREFIX),
        countKeys(browser.storage.local, POLICY_PREFIX),
        countKeys(storage.session, POLICY_PREFIX),
      ]);
      return { assessments, policies: onDisk + inMemory };
    },
    diagnostics: () => send({ type: 'ui/get-diagnostics' }),
    lookupServiceStatus: (service) => send({ type: 'ui/lookup-service-status', ...(service ? { service } : {}) }),
    extensionInfo: () => ({ id: browser.runtime.id, version: browser.runtime.getManifest().version, userAgent: navigator.userAgent }),
    saveFile(name, text, type) {
      const url = URL.createObjectURL(new Blob([text], { type }));
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  };
}
