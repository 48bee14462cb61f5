// @vitest-environment happy-dom
// The shared adapter suite for Yahoo Mail, with a driver that behaves like Yahoo's compose: typed
// text lives in the field's input until Enter (or leaving the field) turns it into a pill whose
// title is "<addr>"; one "Cc / Bcc" button adds both rows; the autocomplete list opens inside the
// field's container, named by the input's aria-controls.
import { yahooAdapter } from '../../../src/content/yahoo/adapter.ts';
import { runAdapterSuite, type Kind, type SuiteDriver } from './adapter-suite.ts';
import { typeKeys } from './support.ts';

function input(root: Element, kind: Kind): HTMLInputElement {
  const el = root.querySelector<HTMLInputElement>(`#message-${kind}-field`);
  if (el === null) throw new Error(`no ${kind} input`);
  return el;
}

function pill(doc: Document, title: string | null, text: string): HTMLElement {
  const el = doc.createElement('div');
  el.setAttribute('data-test-id', 'pill');
  if (title !== null) el.setAttribute('title', title);
  const t = doc.createElement('div');
  t.setAttribute('data-test-id', 'pill-text');
  t.textContent = text;
  el.append(t);
  return el;
}

function row(doc: Document, kind: Kind): HTMLElement {
  const r = doc.createElement('div');
  r.setAttribute('data-test-id', `compose-header-field-${kind}`);
  const container = doc.createElement('div');
  container.setAttribute('data-test-id', `container-${kind}`);
  const field = doc.createElement('input');
  field.id = `message-${kind}-field`;
  field.setAttribute('role', 'combobox');
  container.append(field);
  r.append(container);
  return r;
}

const driver: SuiteDriver = {
  adapter: yahooAdapter,
  fixtures: [
    {
      file: 'yahoo/compose-2026.html', variant: 'new message: pills with title, typed text, open autocomplete inside the field, From row, quoted text',
      composes: [{ testid: 'compose-new', key: null, recipients: ['to:chris@yahoo-pills.example', 'to:billing@yahoo-pills.example', 'to?:lee@typed.example'] }],
    },
    {
      file: 'yahoo/pill-list-2019.html', variant: 'ul.pill-list markup (Mailvelope), Cc revealed, pills without title',
      composes: [{ testid: 'compose-list', key: null, recipients: ['to:jane@pill-list.example', 'cc:copy@pill-list.example', 'to#:Reading Club'] }],
    },
    {
      file: 'yahoo/cc-bcc-revealed.html', variant: 'Cc and Bcc revealed, y-pill test ids, typed list in Bcc',
      composes: [{ testid: 'compose-ypill', key: null, recipients: ['to:to@ypill.example', 'cc:cc@ypill.example', 'bcc:bcc@ypill.example', 'bcc?:x@bcc-typed.example', 'bcc?:y@bcc-typed.example'] }],
    },
    {
      file: 'yahoo/inline-reply.html', variant: 'inline reply in the message view plus a new message',
      composes: [
        { testid: 'compose-reply', key: null, recipients: ['to:sam@view.example'] },
        { testid: 'compose-new', key: null, recipients: ['to:new@second.example'] },
      ],
    },
  ],
  live: {
    file: 'yahoo/compose-2026.html',
    testid: 'compose-new',
    baseline: ['to:chris@yahoo-pills.example', 'to:billing@yahoo-pills.example'],
    prepare(doc) {
      // Start with an empty input and the autocomplete closed.
      doc.querySelector<HTMLInputElement>('#message-to-field')!.value = '';
      doc.getElementById('to-suggestions')?.remove();
    },
  },
  multi: { file: 'yahoo/inline-reply.html', testids: ['compose-reply', 'compose-new'] },
  typeKeys(root, kind, text) {
    typeKeys(input(root, kind), text);
  },
  paste(root, kind, text) {
    const el = input(root, kind);
    el.dispatchEvent(new Event('paste', { bubbles: true }));
    el.value += text;
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  },
  confirm(root, kind) {
    const el = input(root, kind);
    const address = el.value.trim();
    el.value = '';
    el.before(pill(root.ownerDocument, `<${address}>`, address));
    el.dispatchEvent(new KeyboardEvent('keyup', { key: 'Enter', bubbles: true }));
  },
  removeChip(root, shown) {
    for (const field of yahooAdapter.fields(root)) {
      for (const chip of yahooAdapter.chips(field.el)) {
        if ((chip.getAttribute('title') ?? '').includes(shown) || (chip.textContent ?? '').includes(shown)) chip.remove();
      }
    }
  },
  revealBcc(root) {
    // One "Cc / Bcc" button shows both rows.
    const to = root.querySelector('[data-test-id="compose-header-field-to"]')!;
    to.after(row(root.ownerDocument, 'cc'), row(root.ownerDocument, 'bcc'));
  },
  leave(root, kind) {
    const el = input(root, kind);
    el.dispatchEvent(new FocusEvent('focusout', { bubbles: true }));
    el.blur();
  },
  openSuggestions(root, kind, addresses) {
    const doc = root.ownerDocument;
    const el = input(root, kind);
    const list = doc.createElement('ul');
    list.id = `${kind}-suggestions-open`;
    for (const a of addresses) {
      const li = doc.createElement('li');
      li.append(pill(doc, a, a));
      list.append(li);
    }
    // Inside the field's container, named by the input (no role: only aria-controls tells).
    el.setAttribute('aria-controls', list.id);
    el.after(list);
  },
  addNameOnlyChip(root, kind, name) {
    input(root, kind).before(pill(root.ownerDocument, null, name));
  },
  nameOnlyChipIs: 'recipient without address',
  breakFields(root) {
    for (const el of root.querySelectorAll('[data-test-id^="container-"], [data-test-id^="compose-header-field-"]')) el.setAttribute('data-test-id', 'renamed');
    for (const el of root.querySelectorAll('input[id^="message-"]')) el.id = 'renamed-input';
  },
  writeInBody(root, text) {
    root.querySelector('[data-test-id="rte"]')!.append(root.ownerDocument.createTextNode(text));
    root.querySelector('.yahoo_quoted')?.append(root.ownerDocument.createTextNode(text));
  },
};

runAdapterSuite(driver);
