// The webmail-neutral recipient watcher: a scan at start, one document-level MutationObserver
// that only (re)finds compose roots, and per compose a scoped MutationObserver, capture-phase
// input listeners and a slow safety poll (the pattern gmail.js, InboxSDK, Mailvelope and
// FlowCrypt converged on). Every trigger re-reads the compose's whole recipient list
// (idempotent) and emits only when it changed. Per mutation batch the work is a few element
// checks; the re-read itself is debounced and scoped to the compose's fields.
//
// One watcher per document: a content script in a frame or a pop-out window watches its own
// document, and its compose ids carry a per-document token so they never collide with another
// document's (docs/decisions.md "Webmails (src/content)").
import type { ComposeRecipient } from '../shared/messages.ts';
import type { WebmailAdapter } from './adapter.ts';
import { OWN_ATTR, isOwnNode } from './own.ts';
import { fingerprint, readRecipients } from './recipients.ts';

export interface ComposeSnapshot {
  composeId: string;
  recipients: ComposeRecipient[];
  /** More recipients than the protocol carries (src/shared/limits.ts): `recipients` is empty. */
  tooMany: boolean;
  fieldsFound: boolean;
}

export interface WatcherHooks {
  /** A compose appeared (called before its first `changed`). */
  opened(composeId: string, root: Element): void;
  /** The recipient list of a compose changed (always called once right after `opened`). */
  changed(snapshot: ComposeSnapshot, root: Element): void;
  /** A compose was closed (its root left the page). */
  closed(composeId: string): void;
  /** The user focused or clicked inside a compose. */
  focused(composeId: string): void;
  /** Once per safety poll, after the composes were re-read. */
  tick?(): void;
}

export interface WatcherOptions {
  adapter: WebmailAdapter;
  doc: Document;
  hooks: WatcherHooks;
  /** Delay before re-finding compose roots after a relevant page mutation. */
  rootScanDelayMs?: number;
  /** Delay before re-reading a compose after a mutation or an input event. */
  readDelayMs?: number;
  /** Safety poll interval (InboxSDK and FlowCrypt poll at 1–2 s). */
  pollMs?: number;
}

export interface Watcher {
  /** Disconnects everything; calls no hooks. */
  stop(): void;
  /** The compose `node` is in, or null. */
  composeAt(node: Node): { id: string; root: Element } | null;
  /**
   * Reads a compose now, the word still being typed included (sending makes it final: the
   * webmail sends to it), emitting `changed` if the list changed; its snapshot, or null when the
   * compose is gone.
   */
  settle(id: string): ComposeSnapshot | null;
  /** Current composes by id (for re-sending snapshots and for tests). */
  composes(): ReadonlyMap<string, { root: Element; snapshot: ComposeSnapshot | null }>;
}

const INPUT_EVENTS = ['input', 'paste', 'cut', 'drop', 'keyup', 'focusout', 'click'] as const;
const FOCUS_EVENTS = ['focusin', 'pointerdown'] as const;
/**
 * Text still being typed is not a recipient yet: while the user types "bob@example.co" on the
 * way to "bob@example.com", the half-typed word must not be looked up (a needless query that
 * also leaks a wrong domain to the resolver). The last word of a focused field counts once the
 * user has paused this long, ends it with a separator, or leaves the field.
 */
export const TYPING_IDLE_MS = 1000;

interface ComposeState {
  id: string;
  root: Element;
  abort: AbortController;
  observer: MutationObserver;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** When the user last typed a character into a recipient field (0: not typing). */
  lastTypedAt: number;
  /** Reads the compose again once typing has paused, so the finished address counts. */
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  lastFingerprint: string | null;
  snapshot: ComposeSnapshot | null;
}

function isOwnElement(node: Node): boolean {
  return node.nodeType === 1 && (node as Element).hasAttribute(OWN_ATTR);
}

/** A childList record that only adds or removes our own badge host. */
function onlyOwnNodes(record: MutationRecord): boolean {
  if (record.addedNodes.length === 0 && record.removedNodes.length === 0) return false;
  for (const n of record.addedNodes) if (!isOwnElement(n)) return false;
  for (const n of record.removedNodes) if (!isOwnElement(n)) return false;
  return true;
}

let generatedKeys = 0;
const keysByRoot = new WeakMap<Element, string>();

/** A short random token for this document's generated compose ids (unique across frames and reloads). */
function documentToken(): string {
  const bytes = new Uint8Array(4);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
const DOCUMENT_TOKEN = documentToken();

export function startWatcher(options: WatcherOptions): Watcher {
  const { adapter, doc, hooks } = options;
  const rootScanDelayMs = options.rootScanDelayMs ?? 150;
  const readDelayMs = options.readDelayMs ?? 100;
  const pollMs = options.pollMs ?? 2000;
  const states = new Map<Element, ComposeState>();
  const byId = new Map<string, ComposeState>();
  let scanTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  function keyFor(root: Element): string {
    const known = keysByRoot.get(root);
    if (known !== undefined && !byId.has(known)) return known;
    let key = adapter.composeKey(root) ?? `${adapter.webmail}:auto-${DOCUMENT_TOKEN}-${++generatedKeys}`;
    // Two live composes must never share an id (e.g. an inline reply and a popup with equal ids).
    if (byId.has(key)) key = `${key}#${++generatedKeys}`;
    keysByRoot.set(root, key);
    return key;
  }

  function read(state: ComposeState): void {
    state.timer = undefined;
    if (!state.root.isConnected) {
      close(state, true);
      return;
    }
    const typing = Date.now() - state.lastTypedAt < TYPING_IDLE_MS;
    const result = readRecipients(adapter, state.root, {
      holdBackLastWord: (field) => typing && field.contains(doc.activeElement),
    });
    const fp = fingerprint(result);
    if (fp === state.lastFingerprint) return;
    state.lastFingerprint = fp;
    state.snapshot = { composeId: state.id, recipients: result.recipients, tooMany: result.tooMany, fieldsFound: result.fieldsFound };
    hooks.changed(state.snapshot, state.root);
  }

  function scheduleRead(state: ComposeState): void {
    // Not reset on every trigger: a burst (typing, a paste creating many chips) is read at most
    // once per delay, and the read after the burst settles it.
    if (state.timer === undefined && !stopped) state.timer = setTimeout(() => read(state), readDelayMs);
  }

  function open(root: Element): void {
    const abort = new AbortController();
    const state: ComposeState = {
      id: keyFor(root), root, abort, timer: undefined, lastTypedAt: 0, idleTimer: undefined, lastFingerprint: null, snapshot: null,
      observer: new MutationObserver((records) => {
        // Typing in the body yields many records on one target: decide per target once.
        let skippedTarget: Node | null = null;
        for (const record of records) {
          const target = record.target;
          if (target === skippedTarget) continue;
          if (isOwnNode(target) || adapter.isIrrelevantMutation(target)) {
            skippedTarget = target;
            continue;
          }
          if (record.type === 'childList' && onlyOwnNodes(record)) continue;
          scheduleRead(state);
          return;
        }
      }),
    };
    states.set(root, state);
    byId.set(state.id, state);
    state.observer.observe(root, {
      childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: [...adapter.observedAttributes],
    });
    const listenerOptions = { capture: true, passive: true, signal: abort.signal };
    const onInput = (event: Event): void => {
      if (event.target === null || !adapter.isRecipientTarget(event.target as Node)) return;
      if (event.type === 'input' && (event as InputEvent).inputType?.startsWith('insertText')) {
        state.lastTypedAt = Date.now();
        if (state.idleTimer !== undefined) clearTimeout(state.idleTimer);
        state.idleTimer = setTimeout(() => {
          state.idleTimer = undefined;
          state.lastTypedAt = 0;
          scheduleRead(state);
        }, TYPING_IDLE_MS);
      } else if (event.type === 'focusout' || event.type === 'paste') {
        state.lastTypedAt = 0;
      }
      scheduleRead(state);
    };
    for (const type of INPUT_EVENTS) root.addEventListener(type, onInput, listenerOptions);
    const onFocus = (): void => hooks.focused(state.id);
    for (const type of FOCUS_EVENTS) root.addEventListener(type, onFocus, listenerOptions);
    hooks.opened(state.id, root);
    read(state);
  }

  function close(state: ComposeState, notify: boolean): void {
    state.abort.abort();
    state.observer.disconnect();
    if (state.timer !== undefined) clearTimeout(state.timer);
    if (state.idleTimer !== undefined) clearTimeout(state.idleTimer);
    state.timer = undefined;
    state.idleTimer = undefined;
    states.delete(state.root);
    byId.delete(state.id);
    if (notify) hooks.closed(state.id);
  }

  function closeDisconnected(): void {
    for (const state of [...states.values()]) if (!state.root.isConnected) close(state, true);
  }

  function scanRoots(): void {
    scanTimer = undefined;
    if (stopped) return;
    closeDisconnected();
    for (const root of adapter.findComposeRoots(doc)) if (!states.has(root)) open(root);
  }

  function scheduleScan(): void {
    if (scanTimer === undefined && !stopped) scanTimer = setTimeout(scanRoots, rootScanDelayMs);
  }

  const pageObserver = new MutationObserver((records) => {
    let removed = false;
    let added = false;
    for (const record of records) {
      if (record.removedNodes.length > 0) removed = true;
      if (added) continue;
      for (const node of record.addedNodes) {
        if (node.nodeType === 1 && !isOwnElement(node) && adapter.mayContainComposeRoot(node as Element)) {
          added = true;
          break;
        }
      }
    }
    // O(number of composes): a closed compose is noticed at once, without a page-wide query.
    if (removed && states.size > 0) closeDisconnected();
    if (added) scheduleScan();
  });
  pageObserver.observe(doc, { childList: true, subtree: true });

  const poll = setInterval(() => {
    if (stopped) return;
    scanRoots();
    // A hidden tab changes nothing the user sees; the next visible poll catches up.
    if (!doc.hidden) for (const state of [...states.values()]) read(state);
    hooks.tick?.();
  }, pollMs);

  scanRoots();

  return {
    composeAt(node) {
      for (const state of states.values()) if (state.root.contains(node)) return { id: state.id, root: state.root };
      return null;
    },
    settle(id) {
      const state = byId.get(id);
      if (state === undefined) return null;
      state.lastTypedAt = 0;
      if (state.timer !== undefined) clearTimeout(state.timer);
      read(state);
      return byId.get(id)?.snapshot ?? null;
    },
    stop() {
      stopped = true;
      pageObserver.disconnect();
      clearInterval(poll);
      if (scanTimer !== undefined) clearTimeout(scanTimer);
      for (const state of [...states.values()]) close(state, false);
    },
    composes() {
      const out = new Map<string, { root: Element; snapshot: ComposeSnapshot | null }>();
      for (const s of byId.values()) out.set(s.id, { root: s.root, snapshot: s.snapshot });
      return out;
    },
  };
}
