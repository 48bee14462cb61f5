// Wires one adapter to the watcher, the messenger and one badge per compose. Webmail-neutral:
// each webmail's entry file (e.g. gmail/main.ts) calls startContentScript with its adapter.
import type { WebmailAdapter } from './adapter.ts';
import { Badge } from './badge.ts';
import { Messenger, parseBgToCs, type Transport } from './messaging.ts';
import { startWatcher, type ComposeSnapshot, type Watcher, type WatcherOptions } from './watcher.ts';

export interface ContentScriptOptions {
  adapter: WebmailAdapter;
  doc: Document;
  transport: Transport;
  timing?: Pick<WatcherOptions, 'rootScanDelayMs' | 'readDelayMs' | 'pollMs'>;
}

export interface ContentScript {
  readonly watcher: Watcher;
  /** The badge of a compose (tests and diagnostics). */
  badge(composeId: string): Badge | undefined;
  stop(): void;
}

export function startContentScript(options: ContentScriptOptions): ContentScript {
  const { adapter, doc, transport } = options;
  const badges = new Map<string, Badge>();
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

  const messenger = new Messenger(transport, adapter.webmail, {
    // Deferred: the messenger can find the extension gone while the watcher is still starting.
    onDead: () => queueMicrotask(stop),
    onRejected: (composeId) => badges.get(composeId)?.showRejected(),
  });

  const watcher = startWatcher({
    adapter, doc, ...options.timing,
    hooks: {
      opened(composeId, root) {
        const badge = new Badge(doc);
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
        messenger.closed(composeId);
      },
      focused(composeId) {
        messenger.focus(composeId);
      },
      tick() {
        for (const [id, { root }] of watcher.composes()) mountBadge(id, root);
        messenger.retryIfFailed();
      },
    },
  });

  // A document that goes away (reload, navigation, a removed frame, a closed pop-out window)
  // takes its composes with it; its content script says so while it still can. A page restored
  // from the back/forward cache comes back with them.
  const view = doc.defaultView;
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
    if (badge !== undefined && messenger.accepts(verdicts)) badge.showVerdicts(verdicts);
  });

  function stop(): void {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    view?.removeEventListener('pagehide', onPageHide);
    view?.removeEventListener('pageshow', onPageShow);
    watcher.stop();
    for (const badge of badges.values()) badge.destroy();
    badges.clear();
  }

  return { watcher, badge: (id) => badges.get(id), stop };
}
