// Yahoo Mail's implementation of the webmail adapter (src/content/adapter.ts). Selectors are data
// in selectors.ts; this file scopes them. What it relies on:
// - a compose is `[data-test-id=compose]` (new message, and reply/forward inline in the message);
// - a field is the To / Cc / Bcc container (its kind is in its test id) or, failing that, the
//   list around the field's typing input; Cc and Bcc exist only once revealed, and a field
//   hidden with recipients in it still counts;
// - a pill's `title` is "Name <addr>" or "<addr>"; a pill without one shows its text;
// - typed text is the field input's value.
// The From row, the autocomplete list (inside the field, named by the input's aria-controls),
// the message being replied to and its quoted copy (.yahoo_quoted) are never read.
import type { BadgeAnchor, ChipReading, FieldRef, WebmailAdapter } from '../adapter.ts';
import { cleanAddress } from '../recipients.ts';
import { anyOf, elementOf, outermost } from '../selectors.ts';
import { activate, allOf, isCtrlEnter } from '../sending.ts';
import {
  BODY_CONTAINER, CHIP, CHIP_ADDRESS_ATTRIBUTE, CHIP_TEXT, COMPOSE_ROOT, FIELD_CONTAINERS, FIELD_INPUTS, IRRELEVANT_SUBTREE,
  NOT_RECIPIENT, OBSERVED_ATTRIBUTES, PENDING_INPUT, SEND_CONTROL,
} from './selectors.ts';

const ROOT_SEL = anyOf(COMPOSE_ROOT);
const CONTAINER_SEL = anyOf(FIELD_CONTAINERS);
const INPUT_SEL = anyOf(FIELD_INPUTS);
const PENDING_SEL = anyOf(PENDING_INPUT);
const CHIP_SEL = anyOf(CHIP);
const CHIP_TEXT_SEL = anyOf(CHIP_TEXT);
const NOT_RECIPIENT_SEL = anyOf(NOT_RECIPIENT);
const IRRELEVANT_SEL = anyOf(IRRELEVANT_SUBTREE);
const BODY_SEL = anyOf(BODY_CONTAINER);
const ORDER = { to: 0, cc: 1, bcc: 2, unknown: 3 } as const;

/** The suggestion lists a field's inputs name (aria-controls / aria-owns). */
function popupsOf(field: Element): Element[] {
  const doc = field.ownerDocument;
  const out: Element[] = [];
  for (const input of field.querySelectorAll('[aria-controls], [aria-owns]')) {
    for (const attr of ['aria-controls', 'aria-owns']) {
      for (const id of (input.getAttribute(attr) ?? '').split(/\s+/)) {
        const popup = id === '' ? null : doc.getElementById(id);
        if (popup !== null && !popup.contains(input)) out.push(popup);
      }
    }
  }
  return out;
}

function excludedIn(field: Element, el: Element, popups: readonly Element[]): boolean {
  const excluded = el.closest(NOT_RECIPIENT_SEL);
  return (excluded !== null && excluded !== field && field.contains(excluded)) || popups.some((p) => p.contains(el));
}

/** A field found through its typing input only: the closest list or row around it. */
function containerOfInput(input: Element, root: Element): Element {
  const container = input.closest('ul') ?? input.parentElement?.parentElement ?? input.parentElement ?? input;
  return root.contains(container) ? container : input;
}

export const yahooAdapter: WebmailAdapter = {
  webmail: 'yahoo',
  observedAttributes: OBSERVED_ATTRIBUTES,

  findComposeRoots(doc) {
    return outermost([...doc.querySelectorAll(ROOT_SEL)]);
  },

  mayContainComposeRoot(el) {
    return el.matches(ROOT_SEL) || el.querySelector(ROOT_SEL) !== null;
  },

  composeKey() {
    // No per-compose id in the page (the /d/compose/<id> URL is the page's, not a compose's).
    return null;
  },

  fields(root) {
    const found: FieldRef[] = [];
    const taken = (el: Element): boolean => found.some((f) => f.el.contains(el) || el.contains(f.el));
    // Containers first (innermost of a row and its container wins: the container holds just the field).
    for (const alt of FIELD_CONTAINERS) {
      for (const el of root.querySelectorAll(alt.selector)) {
        const inner = found.findIndex((f) => el.contains(f.el) || f.el.contains(el));
        if (inner === -1) found.push({ kind: alt.kind, el });
        else if ((found[inner] as FieldRef).el.contains(el)) found[inner] = { kind: alt.kind, el };
      }
    }
    for (const alt of FIELD_INPUTS) {
      for (const input of root.querySelectorAll(alt.selector)) {
        if (!taken(input)) found.push({ kind: alt.kind, el: containerOfInput(input, root) });
      }
    }
    return found.sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  },

  chips(field) {
    const popups = popupsOf(field);
    const chips: Element[] = [];
    for (const el of field.querySelectorAll(CHIP_SEL)) if (!excludedIn(field, el, popups)) chips.push(el);
    return outermost(chips);
  },

  readChip(chip): ChipReading | null {
    const text = (chip.querySelector(CHIP_TEXT_SEL)?.textContent ?? chip.textContent ?? '').trim();
    const title = chip.getAttribute(CHIP_ADDRESS_ATTRIBUTE) ?? '';
    // "Name <addr>" or "<addr>": the name is the part before the angle brackets, else the text.
    const name = title.replace(/<[^<>]*>\s*$/, '').trim() || text;
    if (cleanAddress(title) !== null) return { address: title, name };
    if (cleanAddress(text) !== null) return { address: text, name: text };
    return name === '' ? null : { address: null, name };
  },

  pendingText(field) {
    const popups = popupsOf(field);
    const values: string[] = [];
    for (const input of field.querySelectorAll(PENDING_SEL)) {
      if (excludedIn(field, input, popups) || values.length > 8) continue;
      const value = (input as HTMLInputElement).value;
      if (value) values.push(value);
    }
    return [...new Set(values)].join(' ');
  },

  badgeAnchor(root): BadgeAnchor | null {
    const body = root.querySelector(BODY_SEL);
    if (body?.parentElement && root.contains(body.parentElement)) return { parent: body.parentElement, before: body };
    const last = yahooAdapter.fields(root).at(-1)?.el;
    if (last === undefined) return null;
    let branch: Element | null = last;
    while (branch !== null && branch.parentElement !== root) branch = branch.parentElement;
    return branch === null ? null : { parent: root, before: branch.nextSibling };
  },

  isRecipientTarget(node) {
    const el = elementOf(node);
    return el !== null && (el.closest(CONTAINER_SEL) !== null || el.closest(INPUT_SEL) !== null || el.closest('ul.pill-list') !== null);
  },

  isIrrelevantMutation(node) {
    return elementOf(node)?.closest(IRRELEVANT_SEL) != null;
  },

  sendControls: (root) => allOf(root, SEND_CONTROL),
  pressSendControl: () => null,
  // Ctrl+Enter (Cmd+Enter on macOS) sends, as in Yahoo's keyboard shortcuts; React acts on the click.
  isSendShortcut: isCtrlEnter,
  triggerSend: (root, control) => activate(control, allOf(root, SEND_CONTROL), false),
};
