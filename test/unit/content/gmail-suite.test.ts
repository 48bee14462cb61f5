// @vitest-environment happy-dom
// The shared adapter suite for Gmail (contract v2 must keep Gmail passing), with a driver that
// behaves like PeopleKit Gmail: typed text lives in the field's combobox input until Enter turns
// it into a chip carrying its address; Bcc is a row added by the "Bcc" link; suggestions open
// inside the field, named by the input's aria-controls. Gmail chips always carry their address,
// so a chip without one is an invalid entry (Gmail refuses to send), not a recipient.
import { gmailAdapter } from '../../../src/content/gmail/adapter.ts';
import { runAdapterSuite, type Kind, type SuiteDriver } from './adapter-suite.ts';
import { confirmAsChip, paste as pasteInto, typeKeys } from './support.ts';

function input(root: Element, kind: Kind): HTMLInputElement {
  const el = root.querySelector<HTMLInputElement>(`div[name="${kind}"] input[role="combobox"]`);
  if (el === null) throw new Error(`no ${kind} input`);
  return el;
}

function chip(doc: Document, hovercard: string, name: string): HTMLElement {
  const wrapper = doc.createElement('div');
  wrapper.className = 'agh';
  const el = doc.createElement('div');
  el.className = 'afV';
  el.setAttribute('role', 'option');
  el.setAttribute('data-name', name);
  el.setAttribute('data-hovercard-id', hovercard);
  el.textContent = name;
  wrapper.append(el);
  return wrapper;
}

const driver: SuiteDriver = {
  adapter: gmailAdapter,
  fixtures: [
    {
      file: 'gmail/peoplekit-compose.html', variant: 'PeopleKit popup: From row, invalid chip, quoted text',
      composes: [{ testid: 'compose-101', key: 'gmail:101', recipients: ['to:jane@example.com', 'to:bob@example.net', 'cc:carol@example.org'] }],
    },
    {
      file: 'gmail/suggestions-open.html', variant: 'suggestion lists open (in the field, at body level, in the table)',
      composes: [{ testid: 'compose-201', key: 'gmail:201', recipients: ['to:jane@example.com', 'to?:dan@example.org'] }],
    },
    {
      file: 'gmail/three-composes.html', variant: 'three popup composes',
      composes: [
        { testid: 'compose-301', key: 'gmail:301', recipients: ['to:a1@one.example'] },
        { testid: 'compose-302', key: 'gmail:302', recipients: ['to:b1@two.example', 'to:b2@two.example', 'cc:b3@two.example'] },
        { testid: 'compose-303', key: 'gmail:303', recipients: ['bcc:c1@three.example'] },
      ],
    },
    {
      file: 'gmail/inline-reply.html', variant: 'inline reply in a thread',
      composes: [{ testid: 'compose-401', key: 'gmail:401', recipients: ['to:sender@thread.example', 'cc:copy@reply.example'] }],
    },
    {
      file: 'gmail/classic-compose.html', variant: 'classic chips (pre-2021)',
      composes: [{ testid: 'compose-501', key: 'gmail:501', recipients: ['to:jane@example.com', 'to:bob@example.net', 'cc:carol@example.org'] }],
    },
    {
      file: 'gmail/fullscreen.html', variant: 'full screen, no Gmail id',
      composes: [{ testid: 'compose-', key: null, recipients: ['to:full@screen.example'] }],
    },
    {
      file: 'gmail/popout-window.html', variant: 'pop-out window ([role=main] in body.xE.xp)',
      composes: [{ testid: null, key: 'gmail:601', recipients: ['to:pop@out.example'] }],
    },
  ],
  live: {
    file: 'gmail/peoplekit-compose.html',
    testid: 'compose-101',
    baseline: ['to:jane@example.com', 'to:bob@example.net', 'cc:carol@example.org'],
    prepare(doc) {
      // Bcc is revealed by its link; start without it.
      doc.querySelector('div[name="bcc"]')!.closest('tr')!.remove();
    },
  },
  multi: { file: 'gmail/three-composes.html', testids: ['compose-301', 'compose-302'] },
  typeKeys(root, kind, text) {
    typeKeys(input(root, kind), text);
  },
  paste(root, kind, text) {
    pasteInto(input(root, kind), text);
  },
  confirm(root, kind) {
    confirmAsChip(input(root, kind));
  },
  removeChip(root, shown) {
    root.querySelector(`[role="option"][data-hovercard-id="${shown}"]`)?.closest('.agh')?.remove();
  },
  revealBcc(root) {
    // The "Bcc" link adds a row like the Cc row.
    const cc = root.querySelector('div[name="cc"]')!.closest('tr')!;
    const bcc = cc.cloneNode(true) as Element;
    bcc.querySelector('div[name="cc"]')!.setAttribute('name', 'bcc');
    for (const c of bcc.querySelectorAll('.agh')) c.remove();
    cc.after(bcc);
  },
  leave(root, kind) {
    const el = input(root, kind);
    el.dispatchEvent(new FocusEvent('focusout', { bubbles: true }));
    el.blur();
  },
  openSuggestions(root, kind, addresses) {
    const doc = root.ownerDocument;
    const el = input(root, kind);
    const popup = doc.createElement('div');
    popup.id = el.getAttribute('aria-controls') ?? `${kind}-popup`;
    popup.setAttribute('role', 'listbox');
    for (const a of addresses) popup.append(chip(doc, a, a).firstChild!);
    el.closest('[role="listbox"]')!.parentElement!.after(popup);
  },
  addNameOnlyChip(root, kind, name) {
    input(root, kind).before(chip(root.ownerDocument, 'not-an-email', name));
  },
  nameOnlyChipIs: 'invalid entry',
  breakFields(root) {
    for (const f of root.querySelectorAll('div[name]')) f.removeAttribute('name');
  },
  writeInBody(root, text) {
    root.querySelector('[contenteditable="true"]')!.append(root.ownerDocument.createTextNode(text));
  },
};

runAdapterSuite(driver);
