// The send guard (docs/decisions.md "Send-time check"): capture-phase listeners on the window,
// registered at document_start, so they run before any listener of the page (same target and
// phase: registration order; React apps listen on their root container, below the window). A
// send is a click on a compose's Send control, Enter or Space on it, the send shortcut in a
// compose, or the press (mousedown/mouseup) of a control that sends on press (Gmail's "Schedule
// send"). Only the person's own (trusted) events are looked at.
//
// The decision is made at once, inside the handler, from what the content script already holds
// (an event can only be cancelled while it is dispatched); nothing is awaited. A held send is
// cancelled (preventDefault + stopImmediatePropagation: the webmail never sees it) and the dialog
// opens. "Send anyway" sends exactly once, by activating the webmail's own control again — never
// by replaying a key — with a bypass for the events that causes. When every recipient still being
// checked turns out fine, the send goes on by itself, the same way.
//
// An orphaned content script (the extension was reloaded or removed) takes its listeners away at
// the first send it sees, and lets that send through: it never blocks sending.
import type { SendCheckConfig } from '../../shared/messages.ts';
import type { WebmailAdapter } from '../adapter.ts';
import { elementOf } from '../selectors.ts';
import type { SendDecision } from './decide.ts';
import { openSendDialog, type SendDialog } from './dialog.ts';

export interface ComposeRef {
  id: string;
  root: Element;
}

export interface SendGuardHost {
  adapter: WebmailAdapter;
  /** The compose a node is in (null before the watcher has started, or outside every compose). */
  composeAt(node: Node): ComposeRef | null;
  /** Re-reads the compose's recipients now and decides (src/content/send-check/decide.ts). */
  decide(ref: ComposeRef): SendDecision;
  config(): SendCheckConfig | null;
  /** False once the extension context is gone. */
  alive(): boolean;
  /** Called once the guard found the extension gone (it has already removed its listeners). */
  dead(): void;
}

export interface SendGuard {
  /** New verdicts or settings for a compose (all when no id): the open dialog follows them. */
  refresh(composeId?: string): void;
  /** Adds the listeners again if the page erased them (document.open() erases a window's listeners); idempotent. */
  reinstall(): void;
  /** The open dialog (tests and diagnostics). */
  dialog(): SendDialog | null;
  stop(): void;
}

/** Events the guard looks at. Key and press events inside its own dialog never reach the page. */
const TYPES = ['click', 'keydown', 'keyup', 'keypress', 'mousedown', 'mouseup', 'pointerdown', 'pointerup'] as const;

interface Held {
  ref: ComposeRef;
  /** The control the person used (null: the shortcut); "Send anyway" activates it again. */
  control: Element | null;
  dialog: SendDialog;
  /** Where focus goes back to on "Back to editing". */
  returnTo: Element | null;
  /** A problem was shown: from then on the send never goes on by itself. */
  problemSeen: boolean;
}

export function startSendGuard(view: Window, host: SendGuardHost): SendGuard {
  const { adapter } = host;
  let held: Held | null = null;
  /** Set while the guard itself activates the webmail's control. */
  let bypass = false;
  /** The compose last pressed or typed in: a menu outside it (Gmail's send options) belongs to it. */
  let last: ComposeRef | null = null;
  let stopped = false;

  function cancel(event: Event): void {
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  function sendOf(event: Event, el: Element): { ref: ComposeRef; control: Element | null } | null {
    const ref = host.composeAt(el);
    if (ref !== null && (event.type === 'mousedown' || event.type === 'keydown')) last = ref;
    const press = adapter.pressSendControl(el);
    if (press !== null) {
      const owner = host.composeAt(press) ?? (last?.root.isConnected ? last : null);
      // Its mousedown, mouseup and click are one send (held once, the others swallowed).
      return owner !== null && (event.type === 'mousedown' || event.type === 'mouseup' || event.type === 'click') ? { ref: owner, control: press } : null;
    }
    if (ref === null || (event.type !== 'click' && event.type !== 'keydown')) return null;
    if (event.type === 'keydown') {
      const key = event as KeyboardEvent;
      if (key.isComposing) return null;
      if (adapter.isSendShortcut(key)) return { ref, control: null };
      if ((key.key !== 'Enter' && key.key !== ' ') || key.ctrlKey || key.metaKey || key.altKey || key.shiftKey) return null;
    }
    const control = adapter.sendControls(ref.root).find((c) => c.contains(el));
    return control === undefined ? null : { ref, control };
  }

  function onEvent(event: Event): void {
    if (bypass || !event.isTrusted) return;
    const el = elementOf(event.target as Node);
    if (el === null) return;
    if (held !== null && el === held.dialog.host) {
      if (event.type === 'keydown') held.dialog.key(event as KeyboardEvent);
      // The dialog's buttons act on click; keys and presses stay ours (no page shortcut, no menu closing).
      if (event.type !== 'click') event.stopImmediatePropagation();
      return;
    }
    // Keys typed into the held compose (focus moved back by other means) go to the dialog instead.
    if (held !== null && event.type.startsWith('key') && held.ref.root.contains(el)) {
      cancel(event);
      held.dialog.focus();
      return;
    }
    const send = sendOf(event, el);
    if (send === null) return;
    if (!host.alive()) {
      stop();
      host.dead();
      return;
    }
    if (held !== null && held.ref.root === send.ref.root) {
      cancel(event);
      held.dialog.focus();
      return;
    }
    const decision = host.decide(send.ref);
    const config = host.config();
    if (!decision.hold || config === null) return;
    cancel(event);
    close();
    const doc = el.ownerDocument;
    held = { ...send, returnTo: doc.activeElement, problemSeen: decision.problems > 0, dialog: openSendDialog(doc, send.ref.root, { back, send: resume }) };
    held.dialog.render(decision, config);
  }

  function close(): void {
    held?.dialog.close();
    held = null;
  }

  function back(): void {
    const returnTo = held?.returnTo;
    close();
    if (returnTo?.isConnected) (returnTo as HTMLElement).focus?.();
  }

  function resume(): void {
    const h = held;
    if (h === null) return;
    close();
    bypass = true;
    try {
      adapter.triggerSend(h.ref.root, h.control);
    } finally {
      bypass = false;
    }
  }

  function refresh(composeId?: string): void {
    const h = held;
    const config = host.config();
    if (h === null || config === null || (composeId !== undefined && composeId !== h.ref.id)) return;
    if (!h.ref.root.isConnected) {
      close();
      return;
    }
    const decision = host.decide(h.ref);
    if (decision.hold) {
      if (decision.problems > 0) h.problemSeen = true;
      h.dialog.render(decision, config);
    } else if (h.problemSeen) {
      // The problems went away while the person was deciding (the settings changed): nothing
      // is sent without a new Send; the compose is theirs again.
      back();
    } else {
      // The checks still running came back fine: the send the person asked for goes on.
      resume();
    }
  }

  function reinstall(): void {
    if (!stopped) for (const type of TYPES) view.addEventListener(type, onEvent, true);
  }

  function stop(): void {
    stopped = true;
    for (const type of TYPES) view.removeEventListener(type, onEvent, true);
    close();
  }

  reinstall();
  return { refresh, reinstall, dialog: () => held?.dialog ?? null, stop };
}
