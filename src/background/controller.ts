// Ties the parts together: compose state (persisted in storage.session), assessments, pushes
// to the tab and the action badge. Everything browser-specific comes in through ControllerDeps,
// so tests drive it with fakes.
//
// Surviving a restart: the browser may stop the service worker at any time, also mid-compose.
// The compose state and the assessment cache live in storage.session, so a new worker starts
// from where the old one stopped: `ready` loads both, then every known compose is re-derived,
// missing assessments (those that were in flight) are started again, and verdicts are pushed.
// Content scripts also re-send their state on their next change; either way nothing is lost.
//
// Settings (src/shared/settings.ts) reach the controller through `rules()`: domains on the
// organisation's lists (internal, required, skip) get their level locally and are never handed to
// the assessment service, and `warnAtOrBelow` decides what counts as "not protected". Both are read
// on every refresh, so a settings change applies with `refreshAll()` and no reload.
import { domainOfAddressOrDomain } from '../core/index.ts';
import type { Assessment, Level, SenderCapabilities } from '../core/index.ts';
import type {
  BgComposeVerdicts, CheckManualResponse, ComposeView, CsToBg, DisplayLevel, TabStateResponse, UiResponses, UiToBg, WebmailId,
} from '../shared/messages.ts';
import { t } from '../shared/i18n.ts';
import { DEFAULT_SETTINGS, type OrgDomainLevel } from '../shared/settings.ts';
import type { AssessmentService } from './assessment-service.ts';
import { applyBadge, badgeView, type ActionApi } from './badge.ts';
import { activeCompose, composeKey, emptyState, reduce, type ComposeEvent, type ComposeRecord, type ComposeState } from './compose-state.ts';
import type { MessageOrigin } from './router.ts';
import type { KeyValueArea } from './storage-area.ts';
import { domainsOf, recipientVerdicts, summarize } from './verdicts.ts';

/** What the settings say about recipient domains, independent of any lookup. */
export interface DomainRules {
  /** internal / required / skipped from the settings' lists; null: assess the domain. */
  orgLevelFor(domain: string): OrgDomainLevel | null;
  warnAtOrBelow: Level;
}

export const NO_RULES: DomainRules = { orgLevelFor: () => null, warnAtOrBelow: DEFAULT_SETTINGS.warnAtOrBelow };
import { isOutsideWebmail, webmailForUrl } from '../shared/webmails.ts';

export const STATE_KEY = 'composeState.v1';

export interface ControllerDeps {
  session: KeyValueArea;
  service: AssessmentService;
  action: ActionApi;
  /** Pushes verdicts to the frame of the tab that holds the compose. */
  sendToTab(tabId: number, message: BgComposeVerdicts, frameId: number): Promise<void>;
  /** The tab's URL; undefined when it cannot be read, null when the tab no longer exists. */
  tabUrl(tabId: number): Promise<string | undefined | null>;
  hasPolicyPermission(): Promise<boolean>;
  senderFor(webmail: WebmailId): SenderCapabilities | undefined;
  /** Forget DNS answers (for "check again"). */
  clearDnsCache(): void;
  /** Forget cached MTA-STS policies (options page "clear cache"). */
  clearPolicyCache?(): Promise<void>;
  /** The sender for checks by hand (settings `senderEnforces`); undefined: unknown sender. */
  manualSender?(): SenderCapabilities | undefined;
  /** The current settings' rules for domains; default: none (everything is assessed). */
  rules?(): DomainRules;
  /** Work to finish before any event is handled (e.g. loading the assessment cache). */
  init?: () => Promise<void>;
}

function isState(value: unknown): value is ComposeState {
  const s = value as Partial<ComposeState> | null;
  return typeof s === 'object' && s !== null && typeof s.seq === 'number' && typeof s.tabs === 'object' && s.tabs !== null;
}

export function createController(deps: ControllerDeps) {
  let state: ComposeState = emptyState();
  /** What was last pushed per tab and compose, to skip identical pushes. */
  const lastPushed = new Map<string, string>();
  const lastBadge = new Map<number, string>();
  let saving: Promise<void> = Promise.resolve();

  const ready = (async () => {
    await deps.init?.().catch(() => undefined);
    const stored = (await deps.session.get(STATE_KEY).catch((): Record<string, unknown> => ({})))[STATE_KEY];
    // Every event handler awaits `ready` before it reduces, so nothing is lost by replacing.
    if (isState(stored)) state = stored;
  })();

  function persist(): Promise<void> {
    const snapshot = state;
    saving = saving.then(() => deps.session.set({ [STATE_KEY]: snapshot })).catch(() => undefined);
    return saving;
  }

  async function apply(event: ComposeEvent): Promise<void> {
    await ready;
    const next = reduce(state, event);
    if (next === state) return;
    state = next;
    await persist();
  }

  const rules = (): DomainRules => deps.rules?.() ?? NO_RULES;

  function levelOf(sender: SenderCapabilities | undefined, current: DomainRules) {
    return (domain: string): DisplayLevel => current.orgLevelFor(domain) ?? deps.service.cached(domain, sender)?.level ?? 'checking';
  }

  function view(compose: ComposeRecord) {
    const current = rules();
    const sender = deps.senderFor(compose.webmail);
    const recipients = recipientVerdicts(compose.recipients, levelOf(sender, current));
    return { sender, recipients, summary: summarize(recipients, current.warnAtOrBelow), rules: current };
  }

  const scheduled = new Set<number>();
  /** Coalesce many finished assessments into one refresh per tab. */
  function scheduleRefresh(tabId: number): void {
    if (scheduled.has(tabId)) return;
    scheduled.add(tabId);
    queueMicrotask(() => {
      scheduled.delete(tabId);
      void refreshTab(tabId);
    });
  }

  /** Push verdicts of every compose of the tab, start missing assessments, update the badge. */
  async function refreshTab(tabId: number): Promise<void> {
    await ready;
    const tab = state.tabs[tabId];
    if (!tab) {
      await setBadge(tabId, null);
      return;
    }
    for (const compose of Object.values(tab.composes)) {
      const { sender, recipients, summary, rules: current } = view(compose);
      const message: BgComposeVerdicts = { type: 'bg/compose-verdicts', composeId: compose.composeId, summary, recipients };
      const key = `${tabId}|${composeKey(compose.frameId, compose.composeId)}`;
      const signature = JSON.stringify(message);
      if (lastPushed.get(key) !== signature) {
        lastPushed.set(key, signature);
        // The content script may be gone (tab navigating); the next update re-sends anyway.
        deps.sendToTab(tabId, message, compose.frameId).catch(() => lastPushed.delete(key));
      }
      for (const domain of domainsOf(compose.recipients)) {
        // The settings' lists are answered locally: such a domain never leaves the browser.
        if (current.orgLevelFor(domain) !== null) continue;
        if (deps.service.cached(domain, sender) || deps.service.inFlight(domain, sender)) continue;
        void deps.service.assess(domain, sender).then(() => scheduleRefresh(tabId));
      }
    }
    const active = activeCompose(tab);
    await setBadge(tabId, active ? view(active).summary : null);
  }

  async function setBadge(tabId: number, summary: Parameters<typeof badgeView>[0]): Promise<void> {
    const badge = badgeView(summary);
    const signature = JSON.stringify(badge);
    if (lastBadge.get(tabId) === signature) return;
    lastBadge.set(tabId, signature);
    await applyBadge(deps.action, tabId, badge);
  }

  function forgetTab(tabId: number): void {
    for (const key of [...lastPushed.keys()]) if (key.startsWith(`${tabId}|`)) lastPushed.delete(key);
  }

  async function handleContent(message: CsToBg, origin: Extract<MessageOrigin, { kind: 'content' }>): Promise<{ ok: true }> {
    const { tabId, frameId, documentId } = origin;
    const before = state.tabs[tabId]?.documentId;
    const frame = { tabId, frameId, ...(documentId ? { documentId } : {}) };
    switch (message.type) {
      case 'cs/compose-update':
        // Every update is answered with verdicts, even when they read as before: the content
        // script shows "Checking…" after any change (a typed address turning into a chip, say)
        // until verdicts arrive, so a skipped push would leave it checking for good.
        lastPushed.delete(`${tabId}|${composeKey(frameId, message.composeId)}`);
        await apply({ kind: 'update', ...frame, message });
        break;
      case 'cs/compose-focus':
        await apply({ kind: 'focus', ...frame, composeId: message.composeId });
        break;
      case 'cs/compose-closed':
        await apply({ kind: 'closed', tabId, frameId, composeId: message.composeId });
        lastPushed.delete(`${tabId}|${composeKey(frameId, message.composeId)}`);
        break;
    }
    if (frameId === 0 && before !== undefined && documentId !== undefined && before !== documentId) forgetTab(tabId);
    await refreshTab(tabId);
    return { ok: true };
  }

  function assessmentsOf(composes: ComposeRecord[]): Record<string, Assessment> {
    const out: Record<string, Assessment> = {};
    const current = rules();
    for (const compose of composes) {
      const sender = deps.senderFor(compose.webmail);
      for (const domain of domainsOf(compose.recipients)) {
        if (current.orgLevelFor(domain) !== null) continue;
        const a = deps.service.cached(domain, sender);
        if (a) out[domain] = a;
      }
    }
    return out;
  }

  async function tabState(tabId: number): Promise<TabStateResponse> {
    await ready;
    const tab = state.tabs[tabId];
    const [url, granted] = await Promise.all([deps.tabUrl(tabId).catch(() => undefined), deps.hasPolicyPermission()]);
    const composes = tab ? Object.values(tab.composes).sort((a, b) => b.seq - a.seq) : [];
    const active = tab ? activeCompose(tab) : null;
    const views: ComposeView[] = composes.map((c) => {
      const { recipients, summary } = view(c);
      return { composeId: composeKey(c.frameId, c.composeId), webmail: c.webmail, active: c === active, summary, recipients };
    });
    return {
      webmail: tab?.webmail ?? webmailForUrl(url),
      composes: views,
      assessments: assessmentsOf(composes),
      policyFetchGranted: granted,
    };
  }

  async function checkManual(input: string): Promise<CheckManualResponse> {
    await ready;
    const parsed = domainOfAddressOrDomain(input);
    if (!parsed.ok) return { assessments: [], error: parsed.error.message };
    // The settings' lists hold for checks by hand too: a skipped domain must not leave the browser.
    const org = rules().orgLevelFor(parsed.domain);
    if (org !== null) return { assessments: [], error: t(`bg_manual_${org}`, [parsed.display]) };
    // A check by hand is not tied to a webmail: the sender is what the settings say the
    // organisation's servers enforce, else unknown.
    const assessment = await deps.service.assess(parsed.domain, deps.manualSender?.());
    return { assessments: [parsed.display !== parsed.domain ? { ...assessment, displayDomain: parsed.display } : assessment] };
  }

  async function recheck(domains: readonly string[]): Promise<{ ok: true }> {
    await ready;
    deps.clearDnsCache();
    await deps.service.forget(domains.map((d) => d.toLowerCase()));
    for (const id of Object.keys(state.tabs)) await refreshTab(Number(id));
    return { ok: true };
  }

  async function handlePage(message: UiToBg): Promise<UiResponses[UiToBg['type']]> {
    switch (message.type) {
      case 'ui/get-tab-state':
        return tabState(message.tabId);
      case 'ui/recheck':
        return recheck(message.domains);
      case 'ui/check-manual':
        return checkManual(message.input);
      case 'ui/clear-cache':
        return clearCache();
    }
  }

  async function refreshAll(): Promise<void> {
    await ready;
    for (const id of Object.keys(state.tabs)) await refreshTab(Number(id));
  }

  async function clearCache(): Promise<{ ok: true }> {
    await ready;
    deps.clearDnsCache();
    await deps.clearPolicyCache?.().catch(() => undefined);
    await deps.service.forgetAll();
    await refreshAll();
    return { ok: true };
  }

  return {
    ready,
    handleContent,
    handlePage,
    /** After a worker (re)start: drop tabs that closed meanwhile, then refresh the others. */
    async resume(): Promise<void> {
      await ready;
      for (const id of Object.keys(state.tabs)) {
        const tabId = Number(id);
        const url = await deps.tabUrl(tabId).catch(() => undefined);
        if (url === null || isOutsideWebmail(url)) await apply({ kind: 'tab-removed', tabId });
        await refreshTab(tabId);
      }
    },
    async tabRemoved(tabId: number): Promise<void> {
      await apply({ kind: 'tab-removed', tabId });
      forgetTab(tabId);
      lastBadge.delete(tabId);
    },
    /** A tab's URL changed: leaving the webmail drops its composes (about:blank is not leaving it). */
    async tabNavigated(tabId: number, url: string): Promise<void> {
      if (!isOutsideWebmail(url)) return;
      await apply({ kind: 'tab-removed', tabId });
      forgetTab(tabId);
      await refreshTab(tabId);
    },
    /** The policy-fetch permission or the resolvers changed: old results no longer apply. */
    async invalidateAll(): Promise<void> {
      await ready;
      deps.clearDnsCache();
      await deps.service.forgetAll();
      await refreshAll();
    },
    /** Settings that do not change lookups (lists, threshold, sender) changed: re-derive and push. */
    refreshAll,
    /** For tests. */
    snapshot: (): ComposeState => state,
  };
}

export type Controller = ReturnType<typeof createController>;
