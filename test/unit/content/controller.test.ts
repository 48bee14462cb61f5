// @vitest-environment happy-dom
// Messaging and the inline badge: validation of background messages, verdict display, details
// in page, focus reporting, recovery after a failed send, and shutdown when the extension is gone.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BgComposeVerdicts } from '../../../src/shared/messages.ts';
import { startContentScript, type ContentScript } from '../../../src/content/controller.ts';
import { gmailAdapter } from '../../../src/content/gmail/adapter.ts';
import { parseBgToCs } from '../../../src/content/messaging.ts';
import { comboboxOf, composeById, FakeTransport, installI18n, loadFixture, type } from './support.ts';

let transport: FakeTransport;
let cs: ContentScript;

function verdicts(composeId = 'gmail:101'): BgComposeVerdicts {
  return {
    type: 'bg/compose-verdicts', composeId,
    summary: { level: 'misconfigured', total: 5, notProtected: 2, checking: 0 },
    recipients: [
      { address: 'jane@example.com', domain: 'example.com', level: 'misconfigured', summary: 'The published MTA-STS policy matches none of the mail servers.' },
      { address: 'bob@example.net', domain: 'example.net', level: 'protected', summary: 'The domain requires encrypted, authenticated delivery.' },
    ],
  };
}
function badgeText(id = 'gmail:101'): string {
  return cs.badge(id)!.shadow.querySelector('[role="status"]')!.textContent ?? '';
}

beforeEach(() => {
  vi.useFakeTimers();
  installI18n();
  transport = new FakeTransport();
  loadFixture('peoplekit-compose.html');
  cs = startContentScript({ adapter: gmailAdapter, doc: document, transport });
});
afterEach(() => {
  cs.stop();
  vi.useRealTimers();
});

describe('parseBgToCs', () => {
  it('accepts a well-formed verdict message and returns a copy', () => {
    const msg = verdicts();
    const parsed = parseBgToCs(msg);
    expect(parsed).toEqual(msg);
    expect(parsed).not.toBe(msg);
  });
  it.each([
    ['null', null],
    ['another type', { ...verdicts(), type: 'cs/compose-update' }],
    ['a numeric composeId', { ...verdicts(), composeId: 7 }],
    ['an overlong composeId', { ...verdicts(), composeId: 'x'.repeat(201) }],
    ['an unknown level', { ...verdicts(), summary: { ...verdicts().summary, level: 'safe' } }],
    ['a negative count', { ...verdicts(), summary: { ...verdicts().summary, total: -1 } }],
    ['recipients not an array', { ...verdicts(), recipients: {} }],
    ['too many recipients', { ...verdicts(), recipients: Array.from({ length: 1001 }, () => verdicts().recipients[0]) }],
    ['a recipient without summary', { ...verdicts(), recipients: [{ address: 'a@b.c', domain: 'b.c', level: 'unknown' }] }],
  ])('rejects %s', (_name, message) => {
    expect(parseBgToCs(message)).toBeNull();
  });
});

describe('inline badge', () => {
  it('is mounted between the recipients block and the subject row, as a status region', () => {
    const badge = cs.badge('gmail:101')!;
    expect(badge.host.nextElementSibling?.matches('.aoD.az6')).toBe(true);
    const status = badge.shadow.querySelector('[role="status"]')!;
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(badge.host.shadowRoot).toBeNull(); // closed: the page cannot read it
  });

  it('shows "Checking…" until verdicts arrive, then the worst level and the count', () => {
    expect(badgeText()).toContain('Checking…');
    transport.deliver(verdicts());
    expect(badgeText()).toContain('Misconfigured:');
    expect(badgeText()).toContain('2 of 5 recipients not protected');
    expect(badgeText()).toContain('\u26A0'); // a glyph, not colour alone
    expect(cs.badge('gmail:101')!.host.getAttribute('data-level')).toBe('misconfigured');
  });

  it('says "all N recipients" when none is below the threshold, and notes ones still checking', () => {
    transport.deliver({ ...verdicts(), summary: { level: 'protected', total: 3, notProtected: 0, checking: 1 } });
    expect(badgeText()).toContain('Protected:');
    expect(badgeText()).toContain('all 3 recipients (1 still checking)');
  });

  it('goes back to "Checking…" when the recipients change', async () => {
    transport.deliver(verdicts());
    type(comboboxOf(composeById('101'), 'to'), 'new@change.example');
    await vi.advanceTimersByTimeAsync(400);
    expect(badgeText()).toContain('Checking…');
  });

  it('ignores verdicts for a compose it does not have and malformed messages', () => {
    transport.deliver(verdicts('gmail:999'));
    transport.deliver({ type: 'bg/compose-verdicts', composeId: 'gmail:101' });
    expect(badgeText()).toContain('Checking…');
  });

  it('shows the details in page when activated, without moving focus', () => {
    transport.deliver(verdicts());
    const badge = cs.badge('gmail:101')!;
    const button = badge.shadow.querySelector('button')!;
    const panel = badge.shadow.querySelector<HTMLElement>('.panel')!;
    const focused = document.activeElement;
    expect(panel.hidden).toBe(true);
    expect(button.getAttribute('aria-expanded')).toBe('false');
    button.click();
    expect(panel.hidden).toBe(false);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(button.textContent).toBe('Hide details');
    const rows = [...panel.querySelectorAll('li')].map((li) => li.textContent);
    expect(rows).toEqual([
      '\u26A0jane@example.com \u2014 MisconfiguredThe published MTA-STS policy matches none of the mail servers.',
      '\u2713bob@example.net \u2014 ProtectedThe domain requires encrypted, authenticated delivery.',
    ]);
    expect(document.activeElement).toBe(focused);
    button.click();
    expect(panel.hidden).toBe(true);
  });

  it('renders page-controlled text as text, never as markup', () => {
    const evil = '<img src=x onerror=alert(1)>@example.com';
    transport.deliver({ ...verdicts(), recipients: [{ ...verdicts().recipients[0]!, address: evil, summary: '<b>bold</b>' }] });
    const badge = cs.badge('gmail:101')!;
    badge.shadow.querySelector('button')!.click();
    expect(badge.shadow.querySelector('img, b')).toBeNull();
    expect(badge.shadow.querySelector('.address')!.textContent).toBe(evil);
  });

  it('keeps key events inside the badge from reaching the page', () => {
    const seen = vi.fn();
    document.addEventListener('keydown', seen);
    cs.badge('gmail:101')!.shadow.querySelector('button')!
      .dispatchEvent(new KeyboardEvent('keydown', { key: 'k', bubbles: true, composed: true }));
    document.removeEventListener('keydown', seen);
    expect(seen).not.toHaveBeenCalled();
  });

  it('is put back if the page drops it (on the safety poll)', async () => {
    const badge = cs.badge('gmail:101')!;
    badge.host.remove();
    await vi.advanceTimersByTimeAsync(2000);
    expect(badge.host.isConnected).toBe(true);
    expect(badge.host.nextElementSibling?.matches('.aoD.az6')).toBe(true);
  });
});

describe('messaging', () => {
  it('reports focus in a compose once per change of the active compose', () => {
    transport.clear();
    const input = comboboxOf(composeById('101'), 'to');
    input.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
    input.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
    expect(transport.sent).toEqual([{ type: 'cs/compose-focus', composeId: 'gmail:101' }]);
  });

  it('after a failed send, re-sends every snapshot on the next safety poll', async () => {
    transport.failing = true;
    type(comboboxOf(composeById('101'), 'to'), 'x@fail.example');
    await vi.advanceTimersByTimeAsync(400);
    transport.failing = false;
    transport.clear();
    await vi.advanceTimersByTimeAsync(2000);
    expect(transport.updates('gmail:101')).toHaveLength(1);
    expect(transport.updates('gmail:101')[0]?.recipients.map((r) => r.address)).toContain('x@fail.example');
    // Up to date again: the next poll sends nothing.
    transport.clear();
    await vi.advanceTimersByTimeAsync(2000);
    expect(transport.sent).toEqual([]);
  });

  it('stops and removes its badges when the extension context is gone', async () => {
    const badge = cs.badge('gmail:101')!;
    transport.isAlive = false;
    type(comboboxOf(composeById('101'), 'to'), 'x@gone.example');
    await vi.advanceTimersByTimeAsync(400);
    expect(badge.host.isConnected).toBe(false);
    expect(transport.listenerCount).toBe(0);
    expect(cs.watcher.composes().size).toBe(0);
  });
});
