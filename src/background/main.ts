// The background entry point (Chrome: module service worker; Firefox: event page). Only wiring:
// every listener is registered synchronously at the top level, as MV3 requires for the browser to
// wake the worker for that event; the logic lives in the modules it imports.
// docs/architecture.md describes the runtime contexts and where state lives.
import browser from 'webextension-polyfill';
import { assessDomain, createCachingResolver, createDohResolver } from '../core/index.ts';
import type { Resolver } from '../core/index.ts';
import { log } from '../shared/log.ts';
import { isSettingKey, parseSetting } from '../shared/settings.ts';
import { checkedByFor, routedAssess, routeFor, type Route } from './assess-route.ts';
import { createAssessmentCache } from './assessment-cache.ts';
import { createAssessmentService } from './assessment-service.ts';
import type { ActionApi } from './badge.ts';
import { createController } from './controller.ts';
import { persistLog } from './log-store.ts';
import { createLookupClient } from './lookup-client.ts';
import { createSwitchablePolicyCache } from './policy-cache.ts';
import { createPolicyPermission } from './policy-permission.ts';
import { createRouter, type SenderLike } from './router.ts';
import {
  createSettingsRuntime, domainRules, LOOKUP_KEYS, refusalReason, sendCheckConfig, senderForSettings,
} from './settings-runtime.ts';
import { memoryArea, type KeyValueArea } from './storage-area.ts';

const WELCOME_PAGE = 'src/welcome/index.html';
/** The welcome page's permission section (the flow "policy not checked — allow" opens). */
const WELCOME_ALLOW = `${WELCOME_PAGE}#allow`;

// storage.session: Chrome 102+, Firefox 115+. The fallback keeps the extension working (without
// surviving a restart) on anything older.
const session: KeyValueArea = (browser.storage as { session?: KeyValueArea }).session ?? memoryArea();

// The log survives worker restarts in storage.session (memory only) for the diagnostics export.
persistLog(log, session);

/** Background work started from a listener: its failure is logged, never lost. */
function background(code: string, what: string, work: Promise<unknown>): void {
  work.catch((error: unknown) => log.error(code, what, error));
}

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
// On disk (storage.local) or in memory (storage.session) as the setting `policyCache` says.
const policyCache = createSwitchablePolicyCache({ disk: browser.storage.local, memory: session }, 'disk');
const policyCacheReady = settingsReady.then((applied) => policyCache.setMode(applied.settings.policyCache));
background('policy-cache.switch-failed', 'Moving the MTA-STS policy cache as the settings say failed.', policyCacheReady);
const assessmentCache = createAssessmentCache(session);

// The organisation's lookup service (setting `lookupService`): it gets the domains, and then
// nothing is looked up here — no DoH query, no policy fetch, no fallback to them (lookup-client.ts).
const SERVICE_NAME_KEY = 'lookupService.name';
const lookupClient = createLookupClient({
  fetch: fetchFn,
  version: browser.runtime.getManifest().version,
  // The name the service gives itself outlives a worker restart (storage.session: memory only).
  onName: (url, name) => background('storage.session-write-failed', 'The lookup service\'s name could not be kept.', session.set({ [SERVICE_NAME_KEY]: { url, name } })),
});
background('storage.session-read-failed', 'The lookup service\'s name could not be read back.', session.get(SERVICE_NAME_KEY).then((stored) => {
  const kept = stored[SERVICE_NAME_KEY] as { url?: unknown; name?: unknown } | undefined;
  if (typeof kept?.url === 'string' && (typeof kept.name === 'string' || kept.name === null)) lookupClient.rememberName(kept.url, kept.name);
}));

const service = createAssessmentService<Route>({
  // The lookup service when one is set, else the engine here (assess-route.ts).
  assess: routedAssess(lookupClient, assessDomain),
  cache: assessmentCache,
  async deps() {
    const applied = await settingsReady.then(() => settingsRuntime.latest());
    return routeFor(applied.settings, async () => {
      await policyCacheReady.catch(() => undefined);
      // policyFetch 'off' (an organisation's choice, or the user's) wins over a granted permission.
      const fetchPolicies = applied.settings.policyFetch === 'auto' && (await permission.granted());
      return { resolver: currentResolver(), fetch: fetchPolicies ? fetchFn : null, policyCache, now: Date.now };
    });
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
      return null; // the tab is gone
    }
  },
  hasPolicyPermission: () => permission.granted(),
  senderFor: (webmail) => senderForSettings(settingsRuntime.latest(), webmail),
  manualSender: () => settingsRuntime.latest().settings.senderEnforces ?? undefined,
  rules: () => domainRules(settingsRuntime.latest()),
  sendCheck: () => sendCheckConfig(settingsRuntime.latest()),
  settingsReady,
  clearDnsCache: () => currentResolver().clear(),
  clearPolicyCache: () => policyCache.clear(),
  init: () => assessmentCache.load(),
  makeRoom: () => assessmentCache.makeRoom(),
  async openPermissionFlow() {
    await browser.tabs.create({ url: browser.runtime.getURL(WELCOME_ALLOW) });
  },
  checkedBy: () => checkedByFor(settingsRuntime.latest().settings, (url) => lookupClient.serviceName(url)),
  async lookupServiceStatus(requested) {
    await settingsReady;
    let target = settingsRuntime.latest().settings.lookupService;
    if (requested !== undefined) {
      // A service typed into the options form: validated as the setting is, before any request.
      const parsed = parseSetting('lookupService', requested);
      if (!parsed.ok) return { state: 'failed', url: requested.url.slice(0, 300), code: parsed.error.code, message: parsed.error.message };
      target = parsed.value;
    }
    return target === null ? { state: 'off' } : lookupClient.status(target);
  },
  async diagnostics() {
    const cache = assessmentCache.stats();
    return {
      log: log.entries(),
      storage: {
        assessmentsStored: cache.stored,
        assessmentsMemoryOnly: cache.memoryOnly,
        sessionWriteFailures: cache.writeFailures,
        sessionWritesRecovered: cache.writesRecovered,
        policyCache: policyCache.mode(),
        policiesStored: await policyCache.count().catch(() => 0),
      },
    };
  },
});

const router = createRouter(
  { content: controller.handleContent, page: controller.handlePage },
  { id: browser.runtime.id, baseUrl: browser.runtime.getURL('') },
);
browser.runtime.onMessage.addListener((message: unknown, sender: SenderLike) => router(message, sender));

browser.tabs.onRemoved.addListener((tabId) => background('tabs.closed-failed', 'Forgetting a closed tab failed.', controller.tabRemoved(tabId)));
browser.tabs.onReplaced.addListener((_added, removed) => background('tabs.closed-failed', 'Forgetting a replaced tab failed.', controller.tabRemoved(removed)));
browser.tabs.onUpdated.addListener((tabId, change) => {
  if (change.url !== undefined) background('tabs.navigated-failed', 'Following a tab that navigated failed.', controller.tabNavigated(tabId, change.url));
});

async function permissionChanged(): Promise<void> {
  await permission.refresh();
  await settingsRuntime.reload(); // a resolver's origin may have been granted or revoked
  await controller.invalidateAll();
}

/** Settings changed in storage.sync or storage.managed: apply them to open composes at once. */
async function settingsChanged(): Promise<void> {
  const changed = await settingsRuntime.reload();
  if (changed.includes('policyCache')) await policyCache.setMode(settingsRuntime.latest().settings.policyCache);
  if (changed.some((k) => LOOKUP_KEYS.includes(k))) await controller.invalidateAll();
  else if (changed.length > 0) await controller.refreshAll();
}
browser.permissions.onAdded.addListener(() => background('permissions.apply-failed', 'Applying a changed permission failed.', permissionChanged()));
browser.permissions.onRemoved.addListener(() => background('permissions.apply-failed', 'Applying a changed permission failed.', permissionChanged()));

browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'managed' || (area === 'sync' && Object.keys(changes).some(isSettingKey))) {
    background('settings.apply-failed', 'Applying changed settings failed.', settingsChanged());
  }
});

browser.runtime.onInstalled.addListener(({ reason }) => {
  if (reason === 'install') background('welcome.open-failed', 'The welcome page could not be opened.', browser.tabs.create({ url: browser.runtime.getURL(WELCOME_PAGE) }));
});

// A new worker (first start or a restart mid-compose) picks up the persisted composes.
background('background.resume-failed', 'Resuming the open compose windows after a restart failed.', controller.resume());
