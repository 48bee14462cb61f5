// Wires one adapter to the watcher, the messenger, one badge per compose and the send guard.
// Webmail-neutral: each webmail's entry file (e.g. gmail/main.ts) calls startContentScript with
// its adapter, at document_start: the send guard's listeners go on the window at once (so they
// come before the page's), the watcher starts once the document is parsed.
import type { DisplayLevel, SendCheckConfig } from '../shared/messages.ts';
import type { WebmailAdapter } from './adapter.ts';
import { createBadge, type Badge } from './badge.ts';
import { createMessenger, parseBgToCs, type Transport } from './messaging.ts';
import { decideSend } from './send-check/decide.ts';
import { startSendGuard, type SendGuard } from './send-check/guard.ts';
import { startWatcher, type ComposeSnapshot, type Watcher, type WatcherOptions } from './watcher.ts';

export interface ContentScriptOptions {
  adapter: WebmailAdapter;
  doc: Document;
  transport: Transport;
  timing?: Pick<WatcherOptions, 'rootScanDelayMs' | 'readDelayMs' | 'pollMs'>;
}

export interface ContentScript {
  /** The recipient watcher (it starts once the document is parsed). */
  readonly watcher: Watcher;
  /** The send-time check's guard (tests and diagnostics). */
  readonly guard: SendGuard | null;
  /** The badge of a compose (tests and diagnostics). */
  badge(composeId: string): Badge | undefined;
  stop(): void;
}

export function startContentScript(options: ContentScriptOptions): ContentScript {
  const { adapter, doc, transport } = options;
  const badges = new Map<string, Badge>();
  /** Per compose, the level of each address (lower-cased) in the verdicts it holds now. */
  const levels = new Map<string, Map<string, DisplayLevel>>();
  /** The send-time check in force, as the background last said (null: not known yet). */
  let sendCheck: SendCheckConfig | null = null;
  let watcher: Watcher | null = null;
  let stopped = false;

  function mountBadge(composeId: string, root: Element): void {
    const badge = badges.get(composeId);
    const anchor = adapter.badgeAnchor(root);
    // Gmail re-renders parts of the compose; put the badge back if it was dropped or moved.
    if (badge !== undefined && anchor !== null) badge.mount(anchor);
  }

  function showLocalState(badge: Badge, snapshot: ComposeSnapshot): void {
    if (!snapshot.fieldsFound) badge.showNoFields();
    else if (snapshot.tooMany) badge.showTooMany();
    else if (snapshot.recipients.length === 0) badge.showEmpty();
    else badge.showChecking();
  }

  const messenger = createMessenger(transport, adapter.webmail, {
    // Deferred: the messenger can find the extension gone while the watcher is still starting.
    onDead: () => queueMicrotask(stop),
    onRejected: (composeId) => badges.get(composeId)?.showRejected(),
  });

  const view = doc.defaultView;
  const guard = view === null ? null : startSendGuard(view, {
    adapter,
    composeAt: (node) => watcher?.composeAt(node) ?? null,
    decide(ref) {
      const snapshot = watcher?.settle(ref.id);
      if (!snapshot) return { hold: false };
      const known = levels.get(ref.id);
      return decideSend({ ...snapshot, config: sendCheck, levelOf: (address) => known?.get(address.toLowerCase()) });
    },
    config: () => sendCheck,
    alive: () => transport.alive(),
    dead: stop,
  });

  const start = (): Watcher => startWatcher({
    adapter, doc, ...options.timing,
    hooks: {
      opened(composeId, root) {
        const badge = createBadge(doc);
        badge.onAllowPolicyChecks = () => messenger.allowPolicyChecks();
        badges.set(composeId, badge);
        mountBadge(composeId, root);
      },
      changed(snapshot, root) {
        const badge = badges.get(snapshot.composeId);
        if (badge !== undefined) showLocalState(badge, snapshot);
        mountBadge(snapshot.composeId, root);
        messenger.update(snapshot);
      },
      closed(composeId) {
        badges.get(composeId)?.destroy();
        badges.delete(composeId);
        levels.delete(composeId);
        messenger.closed(composeId);
      },
      focused(composeId) {
        messenger.focus(composeId);
      },
      tick() {
        // An orphaned content script (extension reloaded or removed) goes away, listeners and all.
        if (!transport.alive()) {
          stop();
          return;
        }
        for (const [id, { root }] of watcher?.composes() ?? []) mountBadge(id, root);
        messenger.retryIfFailed();
        guard?.reinstall();
        guard?.refresh();
      },
    },
  });
  const startWhenParsed = (): void => {
    if (!stopped && watcher === null) watcher = start();
  };
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', startWhenParsed, { once: true });
  else startWhenParsed();

  // A document that goes away (reload, navigation, a removed frame, a closed pop-out window)
  // takes its composes with it; its content script says so while it still can. A page restored
  // from the back/forward cache comes back with them.
  const onPageHide = (): void => messenger.pageHidden();
  const onPageShow = (event: Event): void => {
    if ((event as PageTransitionEvent).persisted) messenger.resendAll();
  };
  view?.addEventListener('pagehide', onPageHide);
  view?.addEventListener('pageshow', onPageShow);

  const unsubscribe = transport.onMessage((message) => {
    const verdicts = parseBgToCs(message);
    // Verdicts for a compose this page does not have (closed, or another frame's) are ignored,
    // and so are verdicts for any list but the one the compose holds now (messenger.accepts).
    if (verdicts === null || stopped) return;
    const badge = badges.get(verdicts.composeId);
    if (badge === undefined) return;
    // The rules come with every push. A null (a restarted worker that has not read the settings
    // yet) never replaces known ones: a held send must not go out because of it.
    if (verdicts.sendCheck !== null) sendCheck = verdicts.sendCheck;
    if (messenger.accepts(verdicts)) {
      badge.showVerdicts(verdicts);
      levels.set(verdicts.composeId, new Map(verdicts.recipients.flatMap((r) => (r.address === null ? [] : [[r.address.toLowerCase(), r.level] as const]))));
    }
    guard?.refresh();
  });

  function stop(): void {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    guard?.stop();
    doc.removeEventListener('DOMContentLoaded', startWhenParsed);
    view?.removeEventListener('pagehide', onPageHide);
    view?.removeEventListener('pageshow', onPageShow);
    watcher?.stop();
    for (const badge of badges.values()) badge.destroy();
    badges.clear();
  }

  return {
    get watcher(): Watcher {
      if (watcher === null) throw new Error('not parsed yet');
      return watcher;
    },
    guard,
    badge: (id) => badges.get(id),
    stop,
  };
}
