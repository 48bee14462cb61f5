// @vitest-environment happy-dom
// The shared adapter suite for Outlook on the web, with a driver that behaves like Outlook's
// contenteditable wells: typed text stays text in the well (Enter and Tab do not resolve it; ";"
// or picking a suggestion turns it into a pill), pills are contenteditable=false spans, Bcc is a
// new row added by the Bcc button, suggestions open in the Fluent portal at body level.
import { describe, expect, it } from 'vitest';
import { kindFromLabel, outlookAdapter } from '../../../src/content/outlook/adapter.ts';
import { runAdapterSuite, type Kind, type SuiteDriver } from './adapter-suite.ts';

function well(root: Element, kind: Kind): HTMLElement {
  const field = outlookAdapter.fields(root).find((f) => f.kind === kind);
  if (field === undefined) throw new Error(`no ${kind} well`);
  return field.el as HTMLElement;
}

function pill(doc: Document, text: string): HTMLElement {
  const outer = doc.createElement('span');
  outer.setAttribute('contenteditable', 'false');
  outer.setAttribute('draggable', 'true');
  const hover = doc.createElement('span');
  hover.setAttribute('data-lpc-hover-target-id', `lpc-react-target-${Math.floor(Math.random() * 1000)}`);
  hover.setAttribute('role', 'button');
  const container = doc.createElement('span');
  container.className = 'textContainer-301';
  const inner = doc.createElement('span');
  inner.className = 'individualText-302';
  inner.textContent = text;
  container.append(inner);
  hover.append(container);
  outer.append(hover);
  return outer;
}

/** The well's own trailing text node (where Outlook keeps what is being typed). */
function typingNode(el: HTMLElement): Text {
  const lastNode = el.lastChild;
  if (lastNode !== null && lastNode.nodeType === 3) return lastNode as Text;
  const text = el.ownerDocument.createTextNode('');
  el.append(text);
  return text;
}

const driver: SuiteDriver = {
  adapter: outlookAdapter,
  fixtures: [
    {
      file: 'outlook/new-message-textbox.html', variant: 'new message, role=textbox wells, name-only pill, typed text, hidden Cc, From row, portal',
      composes: [{ testid: 'compose-new', key: 'outlook:4be2c19d0', recipients: ['to:jordan@reopened.example', 'to:help@external.example', 'to?:maria@typed.example', 'to#:Design Group'] }],
    },
    {
      file: 'outlook/combobox-cc-bcc.html', variant: 'role=combobox wells, Cc and Bcc revealed, suggestion list named by aria-controls',
      composes: [{ testid: 'compose-full', key: 'outlook:77aa01', recipients: ['to:ana@combo.example', 'bcc:carl@hidden.example', 'cc#:Sales Team'] }],
    },
    {
      file: 'outlook/classic-ribbon-no-role.html', variant: 'classic ribbon: wells without a role',
      composes: [{ testid: 'compose-ribbon', key: 'outlook:abc123', recipients: ['to:priya@ribbon.example', 'cc:audit@ribbon.example', 'to#:Facilities'] }],
    },
    {
      file: 'outlook/localized-de.html', variant: 'German labels (An, Bcc), Cc absent',
      composes: [{ testid: 'compose-de', key: 'outlook:de01', recipients: ['to:jonas@beispiel.example', 'bcc:geheim@beispiel.example'] }],
    },
    {
      file: 'outlook/unknown-locale.html', variant: 'labels in a language not in the table: DOM order',
      composes: [{ testid: 'compose-is', key: null, recipients: ['to:anna@daemi.example', 'cc:bjorn@daemi.example'] }],
    },
    {
      file: 'outlook/reading-pane-two-composes.html', variant: 'new message and inline reply in one [role=main], read-only wells around',
      composes: [
        { testid: 'compose-new', key: 'outlook:new0001', recipients: ['to:new@first.example'] },
        { testid: 'compose-reply', key: null, recipients: ['cc:cc@thread.example', 'to#:Lena Ortiz'] },
      ],
    },
    {
      file: 'outlook/no-docking-ids.html', variant: 'no docking ids: composes found around their body editors',
      composes: [
        { testid: 'compose-a', key: null, recipients: ['to:one@nodock.example'] },
        { testid: 'compose-b', key: null, recipients: ['to?:two@nodock.example', 'to#:Team Lead'] },
      ],
    },
    {
      file: 'outlook/popout-window.html', variant: 'pop-out window (Form_Content root)',
      composes: [{ testid: 'compose-popout', key: 'outlook:59b8f0b1aa3', recipients: ['to:pop@window.example', 'cc#:Board Members'] }],
    },
    {
      file: 'outlook/fluent7-picker.html', variant: 'Fluent v7 PeoplePicker (2019-2022): names only, typed text in the input',
      composes: [{ testid: 'compose-v7', key: null, recipients: ['to:ext@picker.example', 'to?:typed@picker.example', 'to#:Jane Doe'] }],
    },
  ],
  live: {
    file: 'outlook/new-message-textbox.html',
    testid: 'compose-new',
    baseline: ['to:jordan@reopened.example', 'to:help@external.example', 'to#:Design Group'],
    prepare(doc) {
      // Start without typed text in the To well.
      const to = doc.querySelector('[data-testid="to-well"]')!;
      if (to.lastChild?.nodeType === 3) to.lastChild.remove();
    },
  },
  multi: { file: 'outlook/reading-pane-two-composes.html', testids: ['compose-new', 'compose-reply'] },
  typeKeys(root, kind, text) {
    const el = well(root, kind);
    if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '0');
    el.focus();
    const node = typingNode(el);
    for (const ch of text) {
      node.data += ch;
      el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: ch }));
    }
  },
  paste(root, kind, text) {
    const el = well(root, kind);
    el.dispatchEvent(new Event('paste', { bubbles: true }));
    typingNode(el).data += text;
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  },
  confirm(root, kind) {
    // ";" (or picking a suggestion) resolves the typed text into a pill.
    const el = well(root, kind);
    const node = typingNode(el);
    const address = node.data.trim();
    node.data = '';
    node.before(pill(el.ownerDocument, address));
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: ';' }));
  },
  removeChip(root, shown) {
    for (const field of outlookAdapter.fields(root)) {
      for (const chip of outlookAdapter.chips(field.el)) if ((chip.textContent ?? '').includes(shown)) chip.remove();
    }
  },
  revealBcc(root) {
    const doc = root.ownerDocument;
    const row = doc.createElement('div');
    const label = doc.createElement('button');
    label.textContent = 'Bcc';
    const bcc = doc.createElement('div');
    bcc.setAttribute('aria-label', 'Bcc');
    bcc.setAttribute('contenteditable', 'true');
    bcc.setAttribute('role', 'textbox');
    bcc.setAttribute('tabindex', '0');
    row.append(label, bcc);
    const to = well(root, 'to');
    to.parentElement!.after(row);
  },
  leave(root, kind) {
    const el = well(root, kind);
    el.dispatchEvent(new FocusEvent('focusout', { bubbles: true }));
    el.blur();
  },
  openSuggestions(_root, _kind, addresses) {
    const doc = _root.ownerDocument;
    const host = doc.getElementById('fluent-default-layer-host') ?? doc.body.appendChild(doc.createElement('div'));
    const list = doc.createElement('div');
    list.setAttribute('role', 'listbox');
    for (const a of addresses) {
      const option = doc.createElement('div');
      option.setAttribute('role', 'option');
      option.setAttribute('aria-label', a);
      option.append(pill(doc, a));
      list.append(option);
    }
    host.append(list);
  },
  addNameOnlyChip(root, kind, name) {
    well(root, kind).append(pill(root.ownerDocument, name));
  },
  nameOnlyChipIs: 'recipient without address',
  breakFields(root) {
    for (const field of outlookAdapter.fields(root)) field.el.setAttribute('contenteditable', 'false');
  },
  writeInBody(root, text) {
    const body = root.querySelector('[aria-multiline="true"]')!;
    body.append(root.ownerDocument.createTextNode(text));
    root.querySelector('#divRplyFwdMsg')?.append(root.ownerDocument.createTextNode(text));
  },
};

runAdapterSuite(driver);

describe('outlook: field labels', () => {
  it('knows a few languages and falls back to unknown (then DOM order)', () => {
    expect(['To', 'An', 'À', 'Para', '宛先'].map(kindFromLabel)).toEqual(['to', 'to', 'to', 'to', 'to']);
    expect(['Cc', 'CC:'].map(kindFromLabel)).toEqual(['cc', 'cc']);
    expect(['Bcc', 'Cci', 'CCO'].map(kindFromLabel)).toEqual(['bcc', 'bcc', 'bcc']);
    expect(kindFromLabel('Viðtakandi')).toBe('unknown');
  });
});
