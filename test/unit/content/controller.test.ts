// @vitest-environment happy-dom
// Messaging and the inline badge: validation of background messages, verdict display, details
// in page, focus reporting, recovery after a failed send, and shutdown when the extension is gone.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BgComposeVerdicts, RecipientVerdict } from '../../../src/shared/messages.ts';
import { startContentScript, type ContentScript } from '../../../src/content/controller.ts';
import { gmailAdapter } from '../../../src/content/gmail/adapter.ts';
import { parseBgToCs } from '../../../src/content/messaging.ts';
import { comboboxOf, composeById, FakeTransport, installI18n, loadFixture, type } from './support.ts';

let transport: FakeTransport;
let cs: ContentScript;

const SUMMARY = { level: 'misconfigured', total: 3, notProtected: 2, checking: 0, atLevel: 1, culprit: 'jane@example.com', warned: true, policyNotChecked: false, tooMany: false } as const;
const VERDICTS: Record<string, Pick<RecipientVerdict, 'level' | 'summary'>> = {
  'jane@example.com': { level: 'misconfigured', summary: 'The published MTA-STS policy matches none of the mail servers.' },
  'bob@example.net': { level: 'protected', summary: 'The domain requires encrypted, authenticated delivery.' },
  'carol@example.org': { level: 'unverified', summary: 'No protection published.' },
};
/** Verdicts for the list compose `composeId` sent last (its revision and addresses), as the background answers. */
function verdicts(composeId = 'gmail:101'): BgComposeVerdicts {
  // Outside a test (it.each tables) there is no transport yet: the fixture's list at revision 1.
  const sent = (transport as FakeTransport | undefined)?.updates(composeId).at(-1)
    ?? { revision: 1, recipients: Object.keys(VERDICTS).map((address) => ({ address })) };
  return {
    type: 'bg/compose-verdicts', composeId, revision: sent?.revision ?? 1,
    summary: { ...SUMMARY },
    sendCheck: null,
    recipients: (sent?.recipients ?? []).map((r) => ({
      address: r.address, domain: r.address?.split('@')[1] ?? '', policyNotChecked: false,
      ...(VERDICTS[r.address ?? ''] ?? { level: 'unknown', summary: 'Could not check.' }),
    })),
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

  it('shows "Checking…" until verdicts arrive, then the headline: the recipient at fault and the others', () => {
    expect(badgeText()).toContain('Checking');
    transport.deliver(verdicts());
    expect(badgeText()).toBe('!!InTransitjane@example.com: protection broken (+1 more)');
    expect(cs.badge('gmail:101')!.level).toBe('misconfigured');
  });

  it('keeps its state inside the closed shadow root, never on the host the page can read', () => {
    transport.deliver(verdicts());
    const host = cs.badge('gmail:101')!.host;
    expect([...host.attributes].map((a) => a.name)).toEqual(['data-intransit']);
    expect(host.shadowRoot).toBeNull();
    expect(cs.badge('gmail:101')!.shadow.querySelector('[data-level]')?.getAttribute('data-level')).toBe('misconfigured');
  });

  it('is calm for likely encrypted and names only the level', () => {
    const calm = verdicts();
    calm.summary = { ...calm.summary, level: 'encrypted', notProtected: 0, atLevel: 3, culprit: null, warned: false };
    transport.deliver(calm);
    expect(badgeText()).toBe('~InTransitLikely encrypted');
    expect(cs.badge('gmail:101')!.shadow.querySelector('[data-tone]')?.getAttribute('data-tone')).toBe('calm');
  });

  it('offers "policy not checked — allow" only when the verdict could change, and asks the background to open the flow', () => {
    transport.deliver(verdicts());
    const allow = () => cs.badge('gmail:101')!.shadow.querySelector<HTMLButtonElement>('button.allow')!;
    expect(allow().hidden).toBe(true);
    transport.deliver({ ...verdicts(), summary: { ...SUMMARY, level: 'encrypted', warned: false, policyNotChecked: true } });
    expect(allow().hidden).toBe(false);
    expect(allow().textContent).toBe('Policy not checked — allow');
    transport.clear();
    allow().click();
    expect(transport.sent).toEqual([{ type: 'cs/allow-policy-checks' }]);
  });

  it('goes back to "Checking…" when the recipients change', async () => {
    transport.deliver(verdicts());
    type(comboboxOf(composeById('101'), 'to'), 'new@change.example');
    await vi.advanceTimersByTimeAsync(400);
    expect(badgeText()).toContain('Checking');
  });

  it('ignores verdicts for a compose it does not have and malformed messages', () => {
    transport.deliver(verdicts('gmail:999'));
    transport.deliver({ type: 'bg/compose-verdicts', composeId: 'gmail:101' });
    expect(badgeText()).toContain('Checking');
  });

  it('shows only verdicts for the list it holds now, and sends its list again when the background answered an older one', async () => {
    const old = verdicts();
    type(comboboxOf(composeById('101'), 'to'), 'new@change.example, ');
    await vi.advanceTimersByTimeAsync(400);
    transport.clear();
    transport.deliver(old);
    expect(badgeText()).toContain('Checking');
    expect(transport.updates('gmail:101')).toHaveLength(1);
    expect(transport.updates('gmail:101')[0]?.recipients.map((r) => r.address)).toContain('new@change.example');
    // Once per revision: a second stale answer does not send it again.
    transport.deliver(old);
    expect(transport.updates('gmail:101')).toHaveLength(1);
    // A verdict with the current revision but another list (a reloaded page's old record) is refused too.
    transport.deliver({ ...old, revision: transport.updates('gmail:101')[0]!.revision });
    expect(badgeText()).toContain('Checking');
    transport.deliver(verdicts());
    expect(badgeText()).toContain('jane@example.com: protection broken');
  });

  it('shows the details in page when activated, worst first, without moving focus', () => {
    transport.deliver(verdicts());
    const badge = cs.badge('gmail:101')!;
    const button = badge.shadow.querySelector<HTMLButtonElement>('button.toggle')!;
    const panel = badge.shadow.querySelector<HTMLElement>('.panel')!;
    const focused = document.activeElement;
    expect(panel.hidden).toBe(true);
    expect(button.getAttribute('aria-expanded')).toBe('false');
    button.click();
    expect(panel.hidden).toBe(false);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(badge.shadow.querySelector('.advice')?.textContent).toBe('Delivery may fail: check the address or tell the recipient.');
    const rows = [...panel.querySelectorAll('li')].map((li) => li.textContent);
    expect(rows).toEqual([
      '!!jane@example.com — Protection brokenThe published MTA-STS policy matches none of the mail servers.',
      '!carol@example.org — No protection publishedNo protection published.',
      '✓bob@example.net — ProtectedThe domain requires encrypted, authenticated delivery.',
    ]);
    expect(document.activeElement).toBe(focused);
    button.click();
    expect(panel.hidden).toBe(true);
  });

  it("links the organisation's help page under the advice, only when it is set and there is advice", () => {
    const badge = cs.badge('gmail:101')!;
    const help = (): HTMLElement => badge.shadow.querySelector<HTMLElement>('.help')!;
    const sendCheck = { mode: 'off', warnAtOrBelow: 'unverified', orgName: 'Example Corp', helpUrl: 'https://help.example/mail' } as const;
    transport.deliver({ ...verdicts(), sendCheck });
    badge.shadow.querySelector<HTMLButtonElement>('button.toggle')!.click();
    expect(help().hidden).toBe(false);
    const link = help().querySelector('a')!;
    expect(link.getAttribute('href')).toBe('https://help.example/mail');
    expect(link.textContent).toContain('Example Corp');
    expect(link.rel).toBe('noopener noreferrer');
    // No help page set: no link.
    transport.deliver({ ...verdicts(), sendCheck: { ...sendCheck, helpUrl: null } });
    expect(help().hidden).toBe(true);
    // Calm (all protected): no advice, no link.
    const calm = verdicts();
    transport.deliver({ ...calm, sendCheck, summary: { ...calm.summary, level: 'protected', notProtected: 0, atLevel: 3, culprit: null, warned: false },
      recipients: calm.recipients.map((r) => ({ ...r, level: 'protected' })) });
    expect(help().hidden).toBe(true);
    // A non-https help page never reaches the badge (refused at the message boundary).
    expect(parseBgToCs({ ...verdicts(), sendCheck: { ...sendCheck, helpUrl: 'javascript:alert(1)' } })).toBeNull();
  });

  it('draws the "Details" caret apart from the underlined word', () => {
    const button = cs.badge('gmail:101')!.shadow.querySelector<HTMLButtonElement>('button.toggle')!;
    const caret = button.querySelector<HTMLElement>('.caret')!;
    expect(caret.getAttribute('aria-hidden')).toBe('true');
    expect(button.querySelector('.label')?.textContent).toBe('Details');
    // The word stays "Details" whether open or closed (aria-expanded says which).
    button.click();
    expect(button.querySelector('.label')?.textContent).toBe('Details');
    const css = cs.badge('gmail:101')!.shadow.querySelector('style')!.textContent ?? '';
    // The stylesheet is written without spaces (the content script's size budget).
    expect(css).toMatch(/\.caret ?\{[^}]*display: ?inline-block[^}]*text-decoration: ?none/);
    expect(css).toMatch(/button \.label ?\{[^}]*text-decoration: ?underline/);
    expect(css).not.toMatch(/button ?\{[^}]*text-decoration: ?underline/);
  });

  it('opens the details upward when the compose is docked at the bottom of the window', () => {
    transport.deliver(verdicts());
    const badge = cs.badge('gmail:101')!;
    const at = (top: number) => {
      badge.host.getBoundingClientRect = () => ({ top, bottom: top + 24, left: 0, right: 500, width: 500, height: 24, x: 0, y: top, toJSON: () => ({}) });
    };
    const toggle = badge.shadow.querySelector<HTMLButtonElement>('button.toggle')!;
    const panel = badge.shadow.querySelector<HTMLElement>('.panel')!;
    Object.defineProperty(window, 'innerHeight', { configurable: true, value: 800 });
    at(760);
    toggle.click();
    expect(panel.dataset.side).toBe('above');
    expect(Number.parseInt(panel.style.maxHeight, 10)).toBeLessThanOrEqual(260);
    toggle.click();
    at(100);
    toggle.click();
    expect(panel.dataset.side).toBe('below');
  });

  it('says "too many recipients to check" at once for more than the protocol carries', async () => {
    const input = comboboxOf(composeById('101'), 'to');
    type(input, Array.from({ length: 201 }, (_, i) => `u${i}@many.example`).join(', '));
    input.dispatchEvent(new FocusEvent('focusout', { bubbles: true }));
    await vi.advanceTimersByTimeAsync(400);
    expect(badgeText()).toContain('Too many recipients to check (more than 200)');
    expect(transport.updates('gmail:101').at(-1)).toMatchObject({ recipients: [], tooMany: true });
  });

  it('renders page-controlled text as text, never as markup', () => {
    const evil = '<img src=x onerror=alert(1)>@example.com';
    const v = verdicts();
    v.summary = { ...v.summary, culprit: evil };
    v.recipients[0] = { ...v.recipients[0]!, summary: '<b>bold</b>' };
    transport.deliver(v);
    const badge = cs.badge('gmail:101')!;
    badge.shadow.querySelector<HTMLButtonElement>('button.toggle')!.click();
    expect(badge.shadow.querySelector('img, b')).toBeNull();
    expect(badge.shadow.querySelector('.headline')!.textContent).toBe(`${evil}: protection broken (+1 more)`);
    expect(badge.shadow.querySelector('.meaning')!.textContent).toBe('<b>bold</b>');
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
