// @vitest-environment happy-dom
// The watcher + controller on fixture pages, scripted like a user: typing, a paste of three
// addresses, Enter -> chip, a chip removed, a compose opened and closed. Assertions are on the
// messages sent to the (fake) background. Debounces run on vi fake timers: no sleeps.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startContentScript, type ContentScript } from '../../../src/content/controller.ts';
import { TYPING_IDLE_MS } from '../../../src/content/watcher.ts';
import { gmailAdapter } from '../../../src/content/gmail/adapter.ts';
import {
  brief, comboboxOf, composeById, confirmAsChip, FakeTransport, typeKeys, installI18n, loadFixture, paste, removeChip, type,
} from './support.ts';

let transport: FakeTransport;
let cs: ContentScript | undefined;

function start(): ContentScript {
  cs = startContentScript({ adapter: gmailAdapter, doc: document, transport });
  return cs;
}
/** Lets every debounce (root scan 150 ms, read 100 ms) run; far below the 2 s poll. */
async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(400);
}
const lastUpdate = (id: string) => transport.updates(id).at(-1);

beforeEach(() => {
  vi.useFakeTimers();
  installI18n();
  transport = new FakeTransport();
  document.body.replaceChildren();
});
afterEach(() => {
  cs?.stop();
  cs = undefined;
  vi.useRealTimers();
});

describe('startup', () => {
  it('scans the composes already open and emits one update each', () => {
    loadFixture('three-composes.html');
    start();
    expect(transport.updates().map((u) => [u.composeId, brief(u), u.webmail, u.fieldsFound])).toEqual([
      ['gmail:301', ['to:a1@one.example'], 'gmail', true],
      ['gmail:302', ['to:b1@two.example', 'to:b2@two.example', 'cc:b3@two.example'], 'gmail', true],
      ['gmail:303', ['bcc:c1@three.example'], 'gmail', true],
    ]);
  });

  it('emits nothing more while nothing changes (safety polls included)', async () => {
    loadFixture('three-composes.html');
    start();
    transport.clear();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport.sent).toEqual([]);
  });
});

describe('recipient changes', () => {
  beforeEach(() => {
    loadFixture('peoplekit-compose.html');
    start();
    transport.clear();
  });

  it('typing: text that is not yet an address emits nothing, a typed address emits pending', async () => {
    const input = comboboxOf(composeById('101'), 'bcc');
    type(input, 'dav');
    await settle();
    expect(transport.sent).toEqual([]);
    type(input, 'e@new.example');
    await settle();
    expect(transport.updates()).toHaveLength(1);
    expect(brief(lastUpdate('gmail:101'))).toEqual([
      'to:jane@example.com', 'to:bob@example.net', 'cc:carol@example.org', 'bcc?:dave@new.example']);
  });

  it('a half-typed address is not looked up while the user types; it counts after a pause or on leaving the field', async () => {
    const input = comboboxOf(composeById('101'), 'bcc');
    typeKeys(input, 'dave@new.exa');
    await vi.advanceTimersByTimeAsync(400); // well past the read delay, still "typing"
    expect(transport.updates()).toEqual([]);
    typeKeys(input, 'mple');
    await vi.advanceTimersByTimeAsync(TYPING_IDLE_MS + 200);
    expect(transport.updates()).toHaveLength(1);
    expect(brief(lastUpdate('gmail:101')).at(-1)).toBe('bcc?:dave@new.example');

    const cc = comboboxOf(composeById('101'), 'cc');
    typeKeys(cc, 'erin@else.example');
    await vi.advanceTimersByTimeAsync(300);
    expect(transport.updates()).toHaveLength(1);
    cc.dispatchEvent(new FocusEvent('focusout', { bubbles: true }));
    cc.blur();
    await settle();
    expect(transport.updates()).toHaveLength(2);
    expect(brief(lastUpdate('gmail:101'))).toContain('cc?:erin@else.example');
  });

  it('a paste of three addresses gives three pending recipients in one update', async () => {
    paste(comboboxOf(composeById('101'), 'cc'), 'a@x.test, b@y.test; c@z.test');
    await settle();
    expect(transport.updates()).toHaveLength(1);
    expect(brief(lastUpdate('gmail:101'))).toEqual([
      'to:jane@example.com', 'to:bob@example.net', 'cc:carol@example.org', 'cc?:a@x.test', 'cc?:b@y.test', 'cc?:c@z.test']);
  });

  it('Enter turns the pending address into a chip: one more update, no longer pending', async () => {
    const input = comboboxOf(composeById('101'), 'to');
    type(input, 'eve@chip.example');
    await settle();
    expect(brief(lastUpdate('gmail:101'))).toContain('to?:eve@chip.example');
    confirmAsChip(input);
    await settle();
    expect(transport.updates()).toHaveLength(2);
    expect(brief(lastUpdate('gmail:101'))).toEqual([
      'to:jane@example.com', 'to:bob@example.net', 'to:eve@chip.example', 'cc:carol@example.org']);
  });

  it('a removed chip is gone from the next update', async () => {
    removeChip(composeById('101'), 'bob@example.net');
    await settle();
    expect(transport.updates()).toHaveLength(1);
    expect(brief(lastUpdate('gmail:101'))).toEqual(['to:jane@example.com', 'cc:carol@example.org']);
  });

  it('the same address typed in two fields is counted once (first field wins)', async () => {
    type(comboboxOf(composeById('101'), 'bcc'), 'JANE@example.com carol@example.org');
    await settle();
    expect(transport.sent).toEqual([]);
  });

  it('a change the observers missed (value set without events) is caught by the safety poll', async () => {
    comboboxOf(composeById('101'), 'to').value = 'silent@poll.example';
    await settle();
    expect(transport.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(brief(lastUpdate('gmail:101'))).toContain('to?:silent@poll.example');
  });
});

describe('work proportional to what changed', () => {
  it('typing in the message body and mounting the badge never re-read the recipients', async () => {
    loadFixture('peoplekit-compose.html');
    start();
    await settle();
    const fields = vi.spyOn(gmailAdapter, 'fields');
    const body = composeById('101').querySelector<HTMLElement>('[contenteditable="true"]')!;
    for (let i = 0; i < 20; i += 1) {
      body.append(document.createTextNode(`word ${i} `));
      body.dispatchEvent(new Event('input', { bubbles: true }));
      body.dispatchEvent(new KeyboardEvent('keyup', { key: 'a', bubbles: true }));
    }
    // Gmail dropping our badge: the remount is our own mutation and must be ignored too.
    cs!.badge('gmail:101')!.host.remove();
    await settle();
    expect(fields).not.toHaveBeenCalled();
    fields.mockRestore();
  });

  it('mutations elsewhere on the page do not look for compose roots', async () => {
    loadFixture('peoplekit-compose.html');
    start();
    const find = vi.spyOn(gmailAdapter, 'findComposeRoots');
    for (let i = 0; i < 50; i += 1) document.body.append(document.createElement('span'));
    await settle();
    expect(find).not.toHaveBeenCalled();
    find.mockRestore();
  });
});

describe('compose lifecycle', () => {
  it('a compose opened later is found after the root-scan debounce', async () => {
    loadFixture('three-composes.html');
    start();
    transport.clear();
    const dialog = composeById('303').closest('[role="dialog"]')!;
    const copy = dialog.cloneNode(true) as Element;
    copy.querySelector('[name="composeid"]')!.setAttribute('value', '304');
    copy.querySelector<HTMLInputElement>('[name="composeid"]')!.value = '304';
    copy.querySelector('.M9')!.setAttribute('data-testid', 'compose-304');
    dialog.after(copy);
    await settle();
    expect(transport.updates().map((u) => [u.composeId, brief(u)])).toEqual([['gmail:304', ['bcc:c1@three.example']]]);
  });

  it('a closed compose is reported once, its badge removed, its observers disconnected', async () => {
    loadFixture('three-composes.html');
    start();
    const compose = composeById('302');
    const badge = cs!.badge('gmail:302')!;
    expect(badge.host.isConnected).toBe(true);
    transport.clear();
    compose.closest('[role="dialog"]')!.remove();
    await settle();
    expect(transport.sent).toEqual([{ type: 'cs/compose-closed', composeId: 'gmail:302' }]);
    expect(badge.host.isConnected).toBe(false);
    expect(cs!.watcher.composes().has('gmail:302')).toBe(false);
    // Changes inside the detached compose emit nothing.
    type(comboboxOf(compose, 'to'), 'late@closed.example');
    await vi.advanceTimersByTimeAsync(5000);
    expect(transport.sent).toHaveLength(1);
  });

  it('a full-screen compose without a Gmail id gets a generated key that stays stable', async () => {
    loadFixture('fullscreen.html');
    start();
    const [first] = transport.updates();
    expect(first?.composeId).toMatch(/^gmail:auto-[0-9a-f]{8}-\d+$/);
    type(comboboxOf(document.querySelector('.M9')!, 'to'), 'x@y.example');
    await settle();
    expect(transport.updates().map((u) => u.composeId)).toEqual([first?.composeId, first?.composeId]);
  });

  it('an inline reply is watched like any compose', async () => {
    loadFixture('inline-reply.html');
    start();
    removeChip(composeById('401'), 'copy@reply.example');
    await settle();
    expect(transport.updates().map(brief)).toEqual([
      ['to:sender@thread.example', 'cc:copy@reply.example'], ['to:sender@thread.example']]);
  });

  it('a compose with no recognisable field reports fieldsFound false, never "0 recipients"', () => {
    loadFixture('peoplekit-compose.html');
    for (const f of document.querySelectorAll('div[name]')) f.removeAttribute('name');
    start();
    expect(transport.updates()[0]).toMatchObject({ fieldsFound: false, recipients: [] });
  });
});
