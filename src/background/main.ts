// The background entry point (Chrome: module service worker; Firefox: event page). Only wiring:
// every listener is registered synchronously at the top level, as MV3 requires for the browser to
// wake the worker for that event; the logic lives in the modules it imports.
import browser from 'webextension-polyfill';
import { assessDomain, createCachingResolver, createDohResolver } from '../core/index.ts';
import type { Resolver } from '../core/index.ts';
import { isSettingKey } from '../shared/settings.ts';
import { createAssessmentCache } from './assessment-cache.ts';
import { createAssessmentService } from './assessment-service.ts';
import type { ActionApi } from './badge.ts';
import { createController } from './controller.ts';
import { createPolicyCache } from './policy-cache.ts';
import { createPolicyPermission } from './policy-permission.ts';
import { createRouter, type SenderLike } from './router.ts';
import { createSettingsRuntime, domainRules, LOOKUP_KEYS, refusalReason, senderForSettings } from './settings-runtime.ts';
import { memoryArea, type KeyValueArea } from './storage-area.ts';

const WELCOME_PAGE = 'src/welcome/index.html';

// storage.session: Chrome 102+, Firefox 115+. The fallback keeps the extension working (without
// surviving a restart) on anything older.
const session: KeyValueArea = (browser.storage as { session?: KeyValueArea }).session ?? memoryArea();

const fetchFn = globalThis.fetch.bind(globalThis);

// Settings: managed (organisation policy) > user (storage.sync) > defaults; see settings-runtime.ts.
const managedArea = (browser.storage as { managed?: typeof browser.storage.managed }).managed;
const settingsRuntime = createSettingsRuntime({
  managed: managedArea,
  sync: browser.storage.sync,
  hasOrigin: (pattern) => browser.permissions.contains({ origins: [pattern] }),
});
const settingsReady = settingsRuntime.ready();

/** Only the permitted resolvers of the settings; rebuilt when they change. */
const makeResolver = (urls: string[]) => createCachingResolver(createDohResolver({ urls, fetch: fetchFn }), { now: Date.now });
let resolverUrls: string[] = settingsRuntime.latest().usableResolvers;
let resolver: Resolver & { clear(): void } = makeResolver(resolverUrls);
function currentResolver(): Resolver & { clear(): void } {
  const urls = settingsRuntime.latest().usableResolvers;
  if (urls.join('\n') !== resolverUrls.join('\n')) {
    resolverUrls = urls;
    resolver = makeResolver(urls);
  }
  return resolver;
}

const permission = createPolicyPermission(browser.permissions);
const policyCache = createPolicyCache(browser.storage.local);
const assessmentCache = createAssessmentCache(session);

const service = createAssessmentService({
  assess: assessDomain,
  cache: assessmentCache,
  async deps() {
    const applied = await settingsReady.then(() => settingsRuntime.latest());
    // policyFetch 'off' (an organisation's choice, or the user's) wins over a granted permission.
    const fetchPolicies = applied.settings.policyFetch === 'auto' && (await permission.granted());
    return { resolver: currentResolver(), fetch: fetchPolicies ? fetchFn : null, policyCache, now: Date.now };
  },
  async refuse() {
    await settingsReady;
    return refusalReason(settingsRuntime.latest());
  },
});

const controller = createController({
  session,
  service,
  action: browser.action as unknown as ActionApi,
  async sendToTab(tabId, message, frameId) {
    await browser.tabs.sendMessage(tabId, message, { frameId });
  },
  async tabUrl(tabId) {
    try {
      return (await browser.tabs.get(tabId)).url;
    } catch {
      return null;
    }
  },
  hasPolicyPermission: () => permission.granted(),
  senderFor: (webmail) => senderForSettings(settingsRuntime.latest(), webmail),
  manualSender: () => settingsRuntime.latest().settings.senderEnforces ?? undefined,
  rules: () => domainRules(settingsRuntime.latest()),
  clearDnsCache: () => currentResolver().clear(),
  clearPolicyCache: () => policyCache.clear(),
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
  await settingsRuntime.reload(); // a resolver's origin may have been granted or revoked
  await controller.invalidateAll();
}

/** Settings changed in storage.sync or storage.managed: apply them to open composes at once. */
async function settingsChanged(): Promise<void> {
  const changed = await settingsRuntime.reload();
  if (changed.some((k) => LOOKUP_KEYS.includes(k))) await controller.invalidateAll();
  else if (changed.length > 0) await controller.refreshAll();
}
browser.permissions.onAdded.addListener(() => void permissionChanged());
browser.permissions.onRemoved.addListener(() => void permissionChanged());

browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'managed' || (area === 'sync' && Object.keys(changes).some(isSettingKey))) void settingsChanged();
});

browser.runtime.onInstalled.addListener(({ reason }) => {
  if (reason === 'install') void browser.tabs.create({ url: browser.runtime.getURL(WELCOME_PAGE) });
});

// A new worker (first start or a restart mid-compose) picks up the persisted composes.
void controller.resume();
