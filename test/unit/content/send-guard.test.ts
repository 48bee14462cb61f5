// @vitest-environment happy-dom
// The send guard (src/content/send-check/guard.ts) in each webmail's test app, run in happy-dom:
// the apps record sends the way the real ones do (delegated listeners in the bubble phase on an
// app root), the content script runs with a fake transport, and the person's events are
// dispatched as trusted events (happy-dom has no isTrusted: the tests set it, as a browser does
// for input; the guard's own resumed events stay untrusted, as in a browser).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebmailAdapter } from '../../../src/content/adapter.ts';
import { startContentScript, type ContentScript } from '../../../src/content/controller.ts';
import { gmailAdapter } from '../../../src/content/gmail/adapter.ts';
import { outlookAdapter } from '../../../src/content/outlook/adapter.ts';
import { yahooAdapter } from '../../../src/content/yahoo/adapter.ts';
import type { DisplayLevel, SendCheckConfig } from '../../../src/shared/messages.ts';
import { FakeTransport, installI18n } from './support.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures');

interface Sent { compose: string; via: string; to: string[]; cc: string[]; bcc: string[] }
interface App {
  composeIds(): string[];
  setTyped(id: string, kind: string, text: string): void;
  sent(): Sent[];
}

interface AppCase {
  name: string;
  dir: string;
  global: string;
  adapter: WebmailAdapter;
  /** Opens two composes, ids 1 and 2. */
  query: string;
  add(app: App, id: string, address: string): void;
  /** The compose's Send control. */
  send(id: string): HTMLElement;
  /** Where a person types recipients (and presses Ctrl+Enter). */
  field(id: string): HTMLElement;
}

const byTestId = (id: string): HTMLElement => {
  const el = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (el === null) throw new Error(`no [data-testid="${id}"]`);
  return el;
};

const APPS: AppCase[] = [
  {
    name: 'gmail', dir: 'gmail-app', global: 'gmailApp', adapter: gmailAdapter, query: '?composes=2',
    add: (app, id, address) => (app as unknown as { addChips(i: string, k: string, a: string[]): void }).addChips(id, 'to', [address]),
    send: (id) => byTestId(`send-${id}`),
    field: (id) => byTestId(`to-input-${id}`),
  },
  {
    name: 'outlook', dir: 'outlook-app', global: 'outlookApp', adapter: outlookAdapter, query: '?compose=2',
    add: (app, id, address) => (app as unknown as { addPills(i: string, k: string, a: string[]): void }).addPills(id, 'to', [address]),
    send: (id) => byTestId(`compose-${id}`).querySelector<HTMLElement>('[data-testid="ComposeSendButton"]')!,
    field: (id) => byTestId(`to-well-${id}`),
  },
  {
    name: 'yahoo', dir: 'yahoo-app', global: 'yahooApp', adapter: yahooAdapter, query: '?compose=2',
    add: (app, id, address) => (app as unknown as { addPills(i: string, k: string, a: string[]): void }).addPills(id, 'to', [address]),
    send: (id) => byTestId(`send-${id}`),
    field: (id) => byTestId(`to-input-${id}`),
  },
];

function startApp(c: AppCase): App {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`http://localhost/${c.query}`);
  // Without the stylesheet link (happy-dom does not load it and says so).
  const html = readFileSync(join(FIXTURES, c.dir, 'index.html'), 'utf8').replace(/<link [^>]*>/g, '');
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  // A new body: the apps' delegated listeners live on it, and an earlier test's must not answer.
  const body = document.createElement('body');
  body.append(...Array.from(parsed.body.childNodes, (n) => document.importNode(n, true)));
  document.body.replaceWith(body);
  new Function(readFileSync(join(FIXTURES, c.dir, 'app.js'), 'utf8'))();
  return (window as unknown as Record<string, App>)[c.global] as App;
}

/** Dispatches an event as the browser does for a person's input (trusted); returns it. */
function user<E extends Event>(target: EventTarget, event: E): E {
  Object.defineProperty(event, 'isTrusted', { value: true });
  target.dispatchEvent(event);
  return event;
}
const init = { bubbles: true, cancelable: true, composed: true };
const click = (el: Element) => user(el, new MouseEvent('click', init));
const press = (el: Element) => {
  user(el, new MouseEvent('mousedown', init));
  user(el, new MouseEvent('mouseup', init));
  return click(el);
};
const key = (el: Element, k: string, mods: KeyboardEventInit = {}) => user(el, new KeyboardEvent('keydown', { ...init, key: k, ...mods }));

const CONFIRM: SendCheckConfig = { mode: 'confirm', warnAtOrBelow: 'unverified', orgName: null, helpUrl: null };
const BLOCK: SendCheckConfig = { mode: 'block', warnAtOrBelow: 'unverified', orgName: 'Example Org', helpUrl: 'https://help.example.org/send' };

let transport: FakeTransport;
let cs: ContentScript;
let app: App;
let c: AppCase;

/** Answers every compose's last list as the background would: the given levels (else checking), with the send check in force. */
function answer(levels: Record<string, DisplayLevel>, sendCheck: SendCheckConfig | null = CONFIRM): void {
  const latest = new Map(transport.updates().map((u) => [u.composeId, u]));
  for (const u of latest.values()) {
    transport.deliver({
      type: 'bg/compose-verdicts', composeId: u.composeId, revision: u.revision,
      summary: { level: null, total: u.recipients.length, notProtected: 0, checking: 0, atLevel: 0, culprit: null, warned: false, policyNotChecked: false, tooMany: false },
      recipients: u.recipients.map((r) => ({
        address: r.address, ...(r.address === null ? { label: r.label } : {}), domain: r.address?.split('@')[1] ?? '',
        level: r.address === null ? 'unknown' : (levels[r.address] ?? 'checking'), summary: '', policyNotChecked: false,
      })),
      sendCheck,
    });
  }
}

/** Adds a confirmed recipient and lets the watcher read it. */
async function addRecipient(id: string, address: string): Promise<void> {
  c.add(app, id, address);
  await vi.advanceTimersByTimeAsync(400);
}

/** The open dialog, read through its closed shadow root (held by the content script). */
function dialog() {
  const d = cs.guard?.dialog();
  if (!d) return null;
  const box = d.shadow.querySelector('[role="alertdialog"]')!;
  const [back, send] = [...d.shadow.querySelectorAll('button')];
  const help = d.shadow.querySelector('a')!;
  return {
    d, box, back: back!, send: send!, help,
    title: d.shadow.getElementById('t')!.textContent,
    text: d.shadow.getElementById('x')!.textContent,
    status: d.shadow.querySelector('[role="status"]')!.textContent,
    rows: [...d.shadow.querySelectorAll('li')].map((li) => li.textContent),
    focused: d.shadow.activeElement,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  installI18n();
  transport = new FakeTransport();
});
afterEach(() => {
  cs?.stop();
  vi.useRealTimers();
});

describe.each(APPS.map((a) => [a.name, a] as const))('%s', (_name, appCase) => {
  beforeEach(async () => {
    c = appCase;
    app = startApp(c);
    cs = startContentScript({ adapter: c.adapter, doc: document, transport });
    await addRecipient('1', 'ann@plain.test');
    await addRecipient('2', 'bob@enforce.test');
  });

  it('holds a click on Send when a recipient is not protected, and "Back to editing" leaves the compose as it was', () => {
    answer({ 'ann@plain.test': 'unverified', 'bob@enforce.test': 'protected' });
    const send = c.send('1');
    send.focus();
    const event = click(send);
    expect(event.defaultPrevented).toBe(true);
    expect(app.sent()).toEqual([]);
    const d = dialog()!;
    expect(d.box.getAttribute('aria-modal')).toBe('true');
    expect(d.box.getAttribute('aria-labelledby')).toBe('t');
    expect(d.box.getAttribute('aria-describedby')).toBe('x');
    expect(d.title).toBe('Send to recipients whose mail may travel unencrypted?');
    expect(d.rows).toEqual(['!ann@plain.test — No protection published' + 'If the message is confidential, send it encrypted (S/MIME, your organisation\'s secure portal) or ask the recipient\'s IT to publish MTA-STS.']);
    // Focus starts on "Back to editing": an accidental Enter never sends.
    expect(d.focused).toBe(d.back);
    expect([d.back.textContent, d.send.textContent, d.send.hidden]).toEqual(['Back to editing', 'Send anyway', false]);
    // The dialog sits outside every webmail container.
    expect(d.d.host.parentElement).toBe(document.documentElement);

    d.back.click();
    expect(dialog()).toBeNull();
    expect(app.sent()).toEqual([]);
    expect(app.composeIds()).toContain('1');
    expect(document.activeElement).toBe(send);
  });

  it('"Send anyway" sends that compose exactly once, through the webmail\'s own Send control', () => {
    answer({ 'ann@plain.test': 'unverified', 'bob@enforce.test': 'unverified' });
    click(c.send('2'));
    const d = dialog()!;
    d.send.click();
    d.send.click(); // the dialog is gone: nothing more happens
    // (Yahoo records the pills' titles, "<addr>".)
    expect(app.sent().map((s) => [s.compose, s.via, s.to.map((a) => a.replace(/^<|>$/g, ''))])).toEqual([['2', 'click', ['bob@enforce.test']]]);
    expect(dialog()).toBeNull();
    // The other compose is untouched and still guarded.
    expect(app.composeIds()).toContain('1');
    click(c.send('1'));
    expect(dialog()).not.toBeNull();
  });

  it('holds Ctrl+Enter and Cmd+Enter in a compose, and resumes by clicking Send (never by replaying the key)', () => {
    answer({ 'ann@plain.test': 'misconfigured', 'bob@enforce.test': 'protected' });
    for (const mods of [{ ctrlKey: true }, { metaKey: true }]) {
      const event = key(c.field('1'), 'Enter', mods);
      expect(event.defaultPrevented).toBe(true);
      expect(app.sent()).toEqual([]);
      expect(dialog()!.rows[0]).toContain('Protection broken');
      dialog()!.back.click();
    }
    key(c.field('1'), 'Enter', { ctrlKey: true });
    dialog()!.send.click();
    expect(app.sent().map((s) => [s.compose, s.via])).toEqual([['1', 'click']]);
  });

  it('holds Enter and Space on the Send control itself', () => {
    answer({ 'ann@plain.test': 'unknown', 'bob@enforce.test': 'protected' });
    expect(key(c.send('1'), 'Enter').defaultPrevented).toBe(true);
    expect(app.sent()).toEqual([]);
    expect(dialog()!.rows[0]).toContain('Could not check');
    dialog()!.back.click();
    expect(key(c.send('1'), ' ').defaultPrevented).toBe(true);
    expect(app.sent()).toEqual([]);
    expect(dialog()).not.toBeNull();
    // Another activation of Send while the dialog is open is swallowed (no second dialog, no send).
    expect(click(c.send('1')).defaultPrevented).toBe(true);
    expect(app.sent()).toEqual([]);
  });

  it('lets a send through at once when every recipient is above the threshold (the listener does nothing)', () => {
    answer({ 'ann@plain.test': 'encrypted', 'bob@enforce.test': 'protected' });
    const event = click(c.send('1'));
    expect(event.defaultPrevented).toBe(false);
    expect(dialog()).toBeNull();
    expect(app.sent().map((s) => s.compose)).toEqual(['1']);
  });

  it('never holds in mode off, nor before the background said which mode is in force', () => {
    answer({ 'ann@plain.test': 'unverified' }, null);
    click(c.send('1'));
    answer({ 'bob@enforce.test': 'undeliverable' }, { ...CONFIRM, mode: 'off' });
    key(c.field('2'), 'Enter', { ctrlKey: true });
    expect(dialog()).toBeNull();
    expect(app.sent().map((s) => s.compose)).toEqual(['1', '2']);
  });

  it('holds a recipient typed a moment ago as still being checked, says so, and sends by itself once it checks out fine', async () => {
    answer({ 'ann@plain.test': 'protected', 'bob@enforce.test': 'protected' });
    app.setTyped('1', 'to', 'new@enforce.test');
    // Sent at once, before the watcher's own read: the typed word counts (the webmail sends to it).
    key(c.field('1'), 'Enter', { ctrlKey: true });
    expect(app.sent()).toEqual([]);
    const d = dialog()!;
    expect(d.title).toBe('Sending once the recipients are checked');
    expect(d.status).toBe('Still checking 1 recipient…');
    expect(d.rows).toEqual(['…new@enforce.test — CheckingWait a moment: the result follows within seconds.']);
    // Confirm: "Send anyway" stays available while checking.
    expect(d.send.hidden).toBe(false);
    // The background was asked about it at once.
    expect(transport.updates().at(-1)?.recipients.map((r) => r.address)).toContain('new@enforce.test');
    answer({ 'ann@plain.test': 'protected', 'new@enforce.test': 'protected' });
    expect(dialog()).toBeNull();
    expect(app.sent().map((s) => [s.compose, s.to.some((a) => a.includes('new@enforce.test'))])).toEqual([['1', true]]);
  });

  it('updates the dialog live when a check comes back bad, and then never sends by itself', () => {
    answer({ 'ann@plain.test': 'checking', 'bob@enforce.test': 'protected' });
    click(c.send('1'));
    expect(dialog()!.status).toBe('Still checking 1 recipient…');
    answer({ 'ann@plain.test': 'unverified' });
    const d = dialog()!;
    expect(d.title).toBe('Send to recipients whose mail may travel unencrypted?');
    expect(d.status).toBe('Every recipient is checked.');
    expect(d.rows[0]).toContain('No protection published');
    expect(app.sent()).toEqual([]);
    // Even if the problem goes away (the settings changed), the compose is the person's again, unsent.
    answer({ 'ann@plain.test': 'unverified' }, { ...CONFIRM, warnAtOrBelow: 'misconfigured' });
    expect(dialog()).toBeNull();
    expect(app.sent()).toEqual([]);
  });

  it('block: no "Send anyway", the organisation\'s words and help link; Escape goes back and never reaches the page', () => {
    answer({ 'ann@plain.test': 'unverified' }, BLOCK);
    click(c.send('1'));
    const d = dialog()!;
    expect(d.title).toBe('This message cannot be sent to these recipients');
    expect(d.text).toContain('Example Org does not allow sending');
    expect(d.send.hidden).toBe(true);
    expect([d.help.textContent, d.help.getAttribute('href'), d.help.rel]).toEqual(['Help from Example Org', 'https://help.example.org/send', 'noopener noreferrer']);
    // Tab stays inside the dialog: help link <-> Back to editing.
    user(d.d.host, new KeyboardEvent('keydown', { ...init, key: 'Tab' }));
    expect(d.d.shadow.activeElement).toBe(d.help);
    user(d.d.host, new KeyboardEvent('keydown', { ...init, key: 'Tab' }));
    expect(d.d.shadow.activeElement).toBe(d.back);
    let seen = false;
    const spy = () => { seen = true; };
    document.addEventListener('keydown', spy, true);
    const escape = user(d.d.host, new KeyboardEvent('keydown', { ...init, key: 'Escape' }));
    document.removeEventListener('keydown', spy, true);
    expect([escape.defaultPrevented, seen]).toEqual([true, false]);
    expect(dialog()).toBeNull();
    // Outlook discards a compose on Escape: it is still there.
    expect(app.composeIds()).toContain('1');
    expect(app.sent()).toEqual([]);
  });

  it('block: the send goes on by itself when the last check comes back fine', () => {
    answer({ 'ann@plain.test': 'checking' }, BLOCK);
    click(c.send('1'));
    expect(dialog()!.send.hidden).toBe(true);
    answer({ 'ann@plain.test': 'internal' }, BLOCK);
    expect(app.sent().map((s) => s.compose)).toEqual(['1']);
  });

  it('sends keys typed into the held compose to the dialog instead', () => {
    answer({ 'ann@plain.test': 'unverified' });
    click(c.send('1'));
    const typed = key(c.field('1'), 'x');
    expect(typed.defaultPrevented).toBe(true);
    expect(dialog()!.focused).toBe(dialog()!.back);
  });

  it('an orphaned content script (extension reloaded or removed) never blocks a send, and goes away', () => {
    answer({ 'ann@plain.test': 'unverified', 'bob@enforce.test': 'unverified' });
    transport.isAlive = false;
    const event = click(c.send('1'));
    expect(event.defaultPrevented).toBe(false);
    expect(dialog()).toBeNull();
    expect(app.sent().map((s) => s.compose)).toEqual(['1']);
    expect(document.querySelector('[data-intransit]')).toBeNull();
    click(c.send('2'));
    expect(app.sent().map((s) => s.compose)).toEqual(['1', '2']);
  });

  it('closes the dialog (on its safety poll) when the extension goes away while it is open', async () => {
    answer({ 'ann@plain.test': 'unverified' });
    click(c.send('1'));
    transport.isAlive = false;
    await vi.advanceTimersByTimeAsync(2100);
    expect(document.querySelector('[data-intransit]')).toBeNull();
    click(c.send('1'));
    expect(app.sent().map((s) => s.compose)).toEqual(['1']);
  });

  it('renders recipients shown by the page as text, never as markup', () => {
    c.add(app, '1', '<img src=x onerror=alert(1)>@x.test');
    answer({});
    click(c.send('1'));
    const d = dialog()!;
    expect(d.d.shadow.querySelector('img')).toBeNull();
  });
});

describe('gmail: Schedule send acts on press (mousedown/mouseup), in a menu outside the compose', () => {
  beforeEach(async () => {
    c = APPS[0]!;
    app = startApp(c);
    cs = startContentScript({ adapter: c.adapter, doc: document, transport });
    await addRecipient('1', 'ann@plain.test');
  });

  it('is held on its press; "Send anyway" presses it again and the message is scheduled once', () => {
    answer({ 'ann@plain.test': 'unverified' });
    // The chevron is not a send: it opens the menu.
    press(byTestId('send-options-1'));
    expect(dialog()).toBeNull();
    const item = byTestId('schedule-send-1');
    expect(item.closest('.M9')).toBeNull();
    press(item);
    expect(app.sent()).toEqual([]);
    expect(dialog()).not.toBeNull();
    dialog()!.send.click();
    expect(app.sent().map((s) => [s.compose, s.via])).toEqual([['1', 'schedule']]);
  });

  it('passes when nothing needs attention', () => {
    answer({ 'ann@plain.test': 'protected' });
    press(byTestId('send-options-1'));
    press(byTestId('schedule-send-1'));
    expect(app.sent().map((s) => [s.compose, s.via])).toEqual([['1', 'schedule']]);
  });
});
