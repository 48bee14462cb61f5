// Ties the parts together: compose state (persisted in storage.session), assessments, pushes
// to the tab and the action badge. Everything browser-specific comes in through ControllerDeps,
// so tests drive it with fakes.
//
// Surviving a restart: the browser may stop the service worker at any time, also mid-compose.
// The compose state and the assessment cache live in storage.session, so a new worker starts
// from where the old one stopped: `ready` loads both, then every known compose is re-derived,
// missing assessments (those that were in flight) are started again, and verdicts are pushed.
// Every push carries the revision of the recipient list it answers; a content script shows
// only verdicts for the list it holds, and re-sends its list when the background answered an
// older one (e.g. a state write that failed before the restart). See docs/architecture.md.
//
// Settings (src/shared/settings.ts) reach the controller through `rules()`: domains on the
// organisation's lists (internal, required, skip) get their level locally and are never handed to
// the assessment service, and `warnAtOrBelow` decides what counts as "not protected". Both are read
// on every refresh, so a settings change applies with `refreshAll()` and no reload. Until the
// settings are read (storage.managed can take seconds after a browser start) nothing is looked
// up, and what is shown says "checking".
import { domainOfAddressOrDomain } from '../core/index.ts';
import type { Assessment, Level, SenderCapabilities } from '../core/index.ts';
import type {
  BgComposeVerdicts, CheckedBy, CheckManualResponse, ComposeView, CsToBg, DiagnosticsResponse, LookupServiceStatus, SendCheckConfig,
  TabStateResponse, UiLookupServiceStatus, UiResponses, UiToBg, WebmailId,
} from '../shared/messages.ts';
import { t } from '../shared/i18n.ts';
import { log } from '../shared/log.ts';
import { DEFAULT_SETTINGS, type OrgDomainLevel, type PolicyFetchMode } from '../shared/settings.ts';
import type { AssessmentService } from './assessment-service.ts';
import { applyBadge, badgeView, type ActionApi, type BadgeView } from './badge.ts';
import { activeCompose, composeKey, emptyState, reduce, type ComposeEvent, type ComposeRecord, type ComposeState } from './compose-state.ts';
import type { MessageOrigin } from './router.ts';
import type { KeyValueArea } from './storage-area.ts';
import { domainsOf, recipientVerdicts, summarize, tooManySummary, type DomainView } from './verdicts.ts';

/** What the settings say about recipient domains, independent of any lookup. */
export interface DomainRules {
  /** internal / required / skipped from the settings' lists; null: assess the domain. */
  orgLevelFor(domain: string): OrgDomainLevel | null;
  warnAtOrBelow: Level;
  /** 'off': policy files are never fetched, so the missing permission changes nothing. */
  policyFetch: PolicyFetchMode;
  /**
   * The organisation's lookup service checks the domains (setting `lookupService`): it reads
   * the policy files itself, so the browser permission changes nothing either.
   */
  viaService?: boolean;
}

export const NO_RULES: DomainRules = { orgLevelFor: () => null, warnAtOrBelow: DEFAULT_SETTINGS.warnAtOrBelow, policyFetch: DEFAULT_SETTINGS.policyFetch };
import { isOutsideWebmail, webmailForUrl } from '../shared/webmails.ts';

/** v2: compose records carry the content script's revision, their frame and document, and the webmail. */
export const STATE_KEY = 'composeState.v2';

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
  /** The send-time check the content scripts apply (settings `sendCheck` …); default: off. */
  sendCheck?(): SendCheckConfig;
  /** Resolves once the settings are read; nothing is looked up before. Default: at once. */
  settingsReady?: Promise<unknown>;
  /** Work to finish before any event is handled (e.g. loading the assessment cache). */
  init?: () => Promise<void>;
  /** Frees room in storage.session (evicts stored assessments) after a failed write. */
  makeRoom?(): Promise<void>;
  /** Opens the welcome page's permission flow ("policy not checked — allow" in a badge). */
  openPermissionFlow?(): Promise<void>;
  /** The options page's diagnostics: the log and the storage's health. */
  diagnostics?(): Promise<DiagnosticsResponse>;
  /** Who checks the verdicts when the organisation's lookup service does (undefined: checked here). */
  checkedBy?(): CheckedBy | undefined;
  /** The options page's "test connection" of the lookup service (GET /v1/info). */
  lookupServiceStatus?(service: UiLookupServiceStatus['service']): Promise<LookupServiceStatus>;
}

function isState(value: unknown): value is ComposeState {
  const s = value as Partial<ComposeState> | null;
  return typeof s === 'object' && s !== null && typeof s.seq === 'number' && typeof s.tabs === 'object' && s.tabs !== null;
}

export function createController(deps: ControllerDeps) {
  let state: ComposeState = emptyState();
  /** What was last pushed per tab and compose, to skip identical pushes. */
  const lastPushed = new Map<string, string>();
  /** What this worker last showed on each tab's button (applyBadge sets only what changed). */
  const lastBadge = new Map<number, BadgeView>();
  let saving: Promise<void> = Promise.resolve();
  let settingsKnown = deps.settingsReady === undefined;
  const settingsReady = (deps.settingsReady ?? Promise.resolve()).then(
    () => { settingsKnown = true; },
    (error: unknown) => {
      settingsKnown = true;
      log.error('settings.read-failed', 'The settings could not be read; the defaults apply.', error);
    },
  );

  const ready = (async () => {
    await deps.init?.().catch((error: unknown) => log.error('background.init-failed', 'Loading the stored results failed; they are checked again.', error));
    const stored = (await deps.session.get(STATE_KEY).catch((error: unknown): Record<string, unknown> => {
      log.error('storage.session-read-failed', 'The open compose windows could not be read back after a restart; they are sent again by the page.', error);
      return {};
    }))[STATE_KEY];
    // Every event handler awaits `ready` before it reduces, so nothing is lost by replacing.
    if (isState(stored)) state = stored;
  })();

  async function write(snapshot: ComposeState): Promise<void> {
    try {
      await deps.session.set({ [STATE_KEY]: snapshot });
      return;
    } catch (error) {
      // storage.session is full (its quota is shared with the assessment cache): the compose
      // state matters more than cached results, so make room and try once more.
      log.warning('storage.session-write-failed', 'Saving the open compose windows failed; making room in storage.session.', error);
    }
    try {
      await deps.makeRoom?.();
      await deps.session.set({ [STATE_KEY]: snapshot });
    } catch (error) {
      // Not fatal: content scripts send their lists again when a restarted worker answers an older one.
      log.error('storage.session-write-failed', 'Saving the open compose windows failed again; a restarted worker relies on the pages to send them again.', error);
    }
  }

  function persist(): Promise<void> {
    const snapshot = state;
    saving = saving.then(() => write(snapshot));
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
  /** Null until the settings are read: the content script then holds nothing, as it cannot know the mode. */
  const sendCheck = (): SendCheckConfig | null => (!settingsKnown ? null
    : deps.sendCheck?.() ?? { mode: 'off', warnAtOrBelow: rules().warnAtOrBelow, orgName: null, helpUrl: null });

  function viewOf(sender: SenderCapabilities | undefined, current: DomainRules) {
    return (domain: string): DomainView => {
      // Before the settings are read, a domain may be on a list nobody has seen yet: say "checking".
      if (!settingsKnown) return { level: 'checking' };
      const org = current.orgLevelFor(domain);
      if (org !== null) return { level: org };
      const assessment = deps.service.cached(domain, sender);
      return assessment ? { level: assessment.level, assessment } : { level: 'checking' };
    };
  }

  function view(compose: ComposeRecord, policyGranted: boolean) {
    const current = rules();
    const sender = deps.senderFor(compose.webmail);
    if (compose.tooMany) return { sender, recipients: [], summary: tooManySummary(), rules: current };
    const recipients = recipientVerdicts(compose.recipients, viewOf(sender, current));
    const summary = summarize(recipients, {
      threshold: current.warnAtOrBelow,
      policyPermissionMissing: settingsKnown && !policyGranted && current.policyFetch === 'auto' && current.viaService !== true,
    });
    return { sender, recipients, summary, rules: current };
  }

  async function policyGranted(): Promise<boolean> {
    return deps.hasPolicyPermission().catch((error: unknown) => {
      log.error('permissions.read-failed', 'Whether policy checks are allowed could not be read.', error);
      return false;
    });
  }

  /** Tabs with a refresh running, and whether another was asked for meanwhile. */
  const refreshing = new Map<number, { again: boolean }>();
  /**
   * Coalesces finished assessments into refreshes of their tab: at most one running per tab, and
   * one more after it when answers came in meanwhile (a batch's answers arrive a few ms apart;
   * each refresh builds every compose's verdicts and talks to the page and the toolbar).
   */
  function scheduleRefresh(tabId: number): void {
    const running = refreshing.get(tabId);
    if (running) {
      running.again = true;
      return;
    }
    const entry = { again: false };
    refreshing.set(tabId, entry);
    queueMicrotask(async () => {
      try {
        do {
          entry.again = false;
          await refreshTab(tabId);
        } while (entry.again);
      } catch (error) {
        log.error('background.refresh-failed', 'Showing the new results failed.', error);
      } finally {
        refreshing.delete(tabId);
      }
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
    const granted = await policyGranted();
    const check = sendCheck();
    for (const compose of Object.values(tab.composes)) {
      const { sender, recipients, summary, rules: current } = view(compose, granted);
      const message: BgComposeVerdicts = {
        type: 'bg/compose-verdicts', composeId: compose.composeId, revision: compose.revision, summary, recipients, sendCheck: check,
      };
      const key = `${tabId}|${composeKey(compose.frameId, compose.composeId)}`;
      const signature = JSON.stringify(message);
      if (lastPushed.get(key) !== signature) {
        lastPushed.set(key, signature);
        // The content script may be gone (tab navigating); the next update re-sends anyway.
        deps.sendToTab(tabId, message, compose.frameId).catch(() => lastPushed.delete(key));
      }
      // Nothing leaves the browser before the settings say which domains may be looked up.
      if (!settingsKnown || compose.tooMany) continue;
      for (const domain of domainsOf(compose.recipients)) {
        // The settings' lists are answered locally: such a domain never leaves the browser.
        if (current.orgLevelFor(domain) !== null) continue;
        if (deps.service.cached(domain, sender) || deps.service.inFlight(domain, sender)) continue;
        void deps.service.assess(domain, sender).then(() => scheduleRefresh(tabId));
      }
    }
    const active = activeCompose(tab);
    await setBadge(tabId, active ? view(active, granted).summary : null);
  }

  async function setBadge(tabId: number, summary: Parameters<typeof badgeView>[0]): Promise<void> {
    const badge = badgeView(summary);
    const shown = lastBadge.get(tabId) ?? null;
    lastBadge.set(tabId, badge);
    await applyBadge(deps.action, tabId, badge, shown);
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
      case 'cs/allow-policy-checks':
        await deps.openPermissionFlow?.().catch((error: unknown) => log.error('welcome.open-failed', 'The page to allow policy checks could not be opened.', error));
        return { ok: true };
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
    // Answers from what is known at once: it does not wait for the settings (the popup fills in
    // what the organisation set when storage.managed answers).
    await ready;
    const tab = state.tabs[tabId];
    const [url, granted] = await Promise.all([
      deps.tabUrl(tabId).catch((error: unknown) => {
        log.warning('tabs.read-failed', 'The address of the tab could not be read.', error);
        return undefined;
      }),
      policyGranted(),
    ]);
    const active = tab ? activeCompose(tab) : null;
    // The compose being written first, then the most recently changed.
    const composes = tab ? Object.values(tab.composes).sort((a, b) => Number(b === active) - Number(a === active) || b.seq - a.seq) : [];
    const views: ComposeView[] = composes.map((c) => {
      const { recipients, summary } = view(c, granted);
      return { composeId: composeKey(c.frameId, c.composeId), webmail: c.webmail, active: c === active, summary, recipients };
    });
    const checkedBy = deps.checkedBy?.();
    return {
      webmail: tab?.webmail ?? webmailForUrl(url),
      composes: views,
      assessments: assessmentsOf(composes),
      policyFetchGranted: granted,
      ...(checkedBy ? { checkedBy } : {}),
    };
  }

  async function checkManual(input: string): Promise<CheckManualResponse> {
    await ready;
    await settingsReady;
    const parsed = domainOfAddressOrDomain(input);
    if (!parsed.ok) return { assessments: [], error: parsed.error.message };
    // The settings' lists hold for checks by hand too: a skipped domain must not leave the browser.
    const org = rules().orgLevelFor(parsed.domain);
    if (org !== null) return { assessments: [], error: t(`bg_manual_${org}`, [parsed.display]) };
    // A check by hand is not tied to a webmail: the sender is what the settings say the
    // organisation's servers enforce, else unknown.
    const assessment = await deps.service.assess(parsed.domain, deps.manualSender?.());
    const checkedBy = deps.checkedBy?.();
    return {
      assessments: [parsed.display !== parsed.domain ? { ...assessment, displayDomain: parsed.display } : assessment],
      ...(checkedBy ? { checkedBy } : {}),
    };
  }

  async function recheck(domains: readonly string[]): Promise<{ ok: true }> {
    await ready;
    deps.clearDnsCache();
    await deps.service.forget(domains.map((d) => d.toLowerCase()));
    for (const id of Object.keys(state.tabs)) await refreshTab(Number(id));
    return { ok: true };
  }

  async function diagnostics(): Promise<DiagnosticsResponse> {
    if (deps.diagnostics) return deps.diagnostics();
    return {
      log: log.entries(),
      storage: { assessmentsStored: 0, assessmentsMemoryOnly: 0, sessionWriteFailures: 0, sessionWritesRecovered: 0, policyCache: 'disk', policiesStored: 0 },
    };
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
      case 'ui/get-diagnostics':
        return diagnostics();
      case 'ui/lookup-service-status':
        return deps.lookupServiceStatus ? deps.lookupServiceStatus(message.service) : { state: 'off' };
    }
  }

  async function refreshAll(): Promise<void> {
    await ready;
    for (const id of Object.keys(state.tabs)) await refreshTab(Number(id));
  }

  async function clearCache(): Promise<{ ok: true }> {
    await ready;
    deps.clearDnsCache();
    // The person asked for it: a failure is reported to the page (the options page says so).
    await deps.clearPolicyCache?.();
    await deps.service.forgetAll();
    await refreshAll();
    return { ok: true };
  }

  // Verdicts wait for the settings: once they are read, every known compose is derived again.
  void settingsReady.then(() => refreshAll());

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
