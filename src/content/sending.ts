// What the adapters share for sending (src/content/adapter.ts "sending"): the common send
// shortcut, whether a control can be used, and activating a control the way each webmail listens.
import { anyOf, type SelectorAlt } from './selectors.ts';

/** Ctrl+Enter, or Cmd+Enter on macOS: Send in Gmail, Outlook on the web and Yahoo Mail. */
export function isCtrlEnter(event: KeyboardEvent): boolean {
  return event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
}

/** Every element matching one of the alternatives, in the order of the alternatives (primary first). */
export function allOf(root: Element, alts: readonly SelectorAlt[]): Element[] {
  const out: Element[] = [];
  for (const alt of alts) for (const el of root.querySelectorAll(alt.selector)) if (!out.includes(el)) out.push(el);
  return out;
}

/** The closest ancestor-or-self of `el` matching one of the alternatives. */
export function closestOf(el: Element, alts: readonly SelectorAlt[]): Element | null {
  return el.closest(anyOf(alts));
}

/** A control that can be activated now: in the page, not disabled. */
function usable(el: Element | null | undefined): el is HTMLElement {
  return el != null && el.isConnected && el.getAttribute('aria-disabled') !== 'true' && !(el as HTMLButtonElement).disabled;
}

/**
 * Activates `control` (or, if it cannot be used any more, the first usable of `fallbacks`):
 * with `press`, mousedown and mouseup first, as InboxSDK's simulateClick does for Gmail (its
 * buttons and menu items act on the press); then a click.
 */
export function activate(control: Element | null, fallbacks: readonly Element[], press: boolean): boolean {
  const el = usable(control) ? control : fallbacks.find(usable);
  if (el === undefined) return false;
  if (press) for (const type of ['mousedown', 'mouseup']) el.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, composed: true }));
  el.click();
  return true;
}
