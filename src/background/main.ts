// The background entry point (Chrome: module service worker; Firefox: event page). Only wiring:
// every listener is registered synchronously at the top level, as MV3 requires for the browser to
// wake the worker for that event; the logic lives in the modules it imports.
import browser from 'webextension-polyfill';
import { assessDomain, createCachingResolver, createDohResolver } from '../core/index.ts';
import type { Resolver } from '../core/index.ts';
import { DEFAULT_SETTINGS, parseSettings, SETTINGS_KEY, type Settings } from '../shared/settings.ts';
import { createAssessmentCache } from './assessment-cache.ts';
import { createAssessmentService } from './assessment-service.ts';
import type { ActionApi } from './badge.ts';
import { createController } from './controller.ts';
import { createPolicyCache } from './policy-cache.ts';
import { createPolicyPermission } from './policy-permission.ts';
import { createRouter, type SenderLike } from './router.ts';
import { senderFor } from './senders.ts';
import { memoryArea, type KeyValueArea } from './storage-area.ts';

const WELCOME_PAGE = 'src/welcome/index.html';

// storage.session: Chrome 102+, Firefox 115+. The fallback keeps the extension working (without
// surviving a restart) on anything older.
const session: KeyValueArea = (browser.storage as { session?: KeyValueArea }).session ?? memoryArea();

const fetchFn = globalThis.fetch.bind(globalThis);
let settings: Settings = DEFAULT_SETTINGS;
const makeResolver = (s: Settings) => createCachingResolver(createDohResolver({ urls: s.resolverUrls, fetch: fetchFn }), { now: Date.now });
let resolver: Resolver & { clear(): void } = makeResolver(settings);

async function loadSettings(): Promise<void> {
  const stored = await browser.storage.sync.get(SETTINGS_KEY).catch(() => ({}) as Record<string, unknown>);
  settings = parseSettings(stored[SETTINGS_KEY]);
  resolver = makeResolver(settings);
}
const settingsReady = loadSettings();

const permission = createPolicyPermission(browser.permissions);
const policyCache = createPolicyCache(browser.storage.local);
const assessmentCache = createAssessmentCache(session);

const service = createAssessmentService({
  assess: assessDomain,
  cache: assessmentCache,
  async deps() {
    await settingsReady;
    const granted = await permission.granted();
    return { resolver, fetch: granted ? fetchFn : null, policyCache, now: Date.now };
  },
});

const controller = createController({
  session,
  service,
  action: browser.action as unknown as ActionApi,
  async sendToTab(tabId, message) {
    await browser.tabs.sendMessage(tabId, message, { frameId: 0 });
  },
  async tabUrl(tabId) {
    try {
      return (await browser.tabs.get(tabId)).url;
    } catch {
      return null;
    }
  },
  hasPolicyPermission: () => permission.granted(),
  senderFor,
  clearDnsCache: () => resolver.clear(),
  init: () => Promise.all([assessmentCache.load(), settingsReady]).then(() => undefined),
});

const router = createRouter(
  { content: controller.handleContent, page: controller.handlePage },
  { id: browser.runtime.id, baseUrl: browser.runtime.getURL('') },
);
browser.runtime.onMessage.addListener((message: unknown, sender: SenderLike) => router(message, sender));

browser.tabs.onRemoved.addListener((tabId) => void controller.tabRemoved(tabId));
browser.tabs.onReplaced.addListener((_added, removed) => void controller.tabRemoved(removed));
browser.tabs.onUpdated.addListener((tabId, change) => {
  if (change.url !== undefined) void controller.tabNavigated(tabId, change.url);
});

async function permissionChanged(): Promise<void> {
  await permission.refresh();
  await controller.invalidateAll();
}
browser.permissions.onAdded.addListener(() => void permissionChanged());
browser.permissions.onRemoved.addListener(() => void permissionChanged());

browser.storage.onChanged.addListener((changes, area) => {
  if (area !== 'sync' || !(SETTINGS_KEY in changes)) return;
  void loadSettings().then(() => controller.invalidateAll());
});

browser.runtime.onInstalled.addListener(({ reason }) => {
  if (reason === 'install') void browser.tabs.create({ url: browser.runtime.getURL(WELCOME_PAGE) });
});

// A new worker (first start or a restart mid-compose) picks up the persisted composes.
void controller.resume();
