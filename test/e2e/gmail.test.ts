// End to end in real Chromium with the TEST build (dist/chrome-test: the policy-fetch permission
// is granted from the start, since a browser cannot grant an optional permission without a
// person). The Gmail-like app is served as https://mail.google.com/, the extension asks the
// world's DoH server as cloudflare-dns.com / dns.google and fetches MTA-STS policies from the
// world's mta-sts. hosts, all behind a test CA trusted through NSS (helpers.ts). A scripted user
// types recipients; the tests assert the inline badge, the toolbar badge and the real popup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { POLICY_PATH } from '../support/world.ts';
import {
  activeComposeSection, CHROME_TEST_BUILD, hangDomain, inBadgeRoot, openGmail, openPopup, pasteRecipients, popupRecipients, readActionBadge,
  readInlineBadge, removeRecipient, startHarness, typeRecipient, type GmailPage, type Harness,
} from './helpers.ts';

/** Each level, the recipient that gets it, and its glyph and name (src/shared/level-table.ts; Gmail as the sender). */
const LEVELS = [
  { level: 'protected', address: 'ann@enforce.test', glyph: '✓', name: 'Protected' },
  { level: 'encrypted', address: 'ben@testing.test', glyph: '~', name: 'Likely encrypted' },
  { level: 'unverified', address: 'cat@plain.test', glyph: '!', name: 'No protection published' },
  { level: 'misconfigured', address: 'dan@mismatch.test', glyph: '!!', name: 'Protection broken' },
  { level: 'undeliverable', address: 'eve@nullmx.test', glyph: '✗', name: 'Does not accept mail' },
  { level: 'unknown', address: 'fay@[192.0.2.1]', glyph: '?', name: 'Could not check' },
] as const;

/**
 * What each surface says after each recipient is typed, best to worst: calm while everything is
 * likely encrypted, then the most actionable problem named after its recipient, and `unknown`
 * never hiding the undeliverable recipient before it.
 */
const HEADLINES = [
  { level: 'protected', tone: 'good', headline: 'Protected' },
  { level: 'encrypted', tone: 'calm', headline: 'Likely encrypted' },
  { level: 'unverified', tone: 'caution', headline: 'cat@plain.test: no protection published' },
  { level: 'misconfigured', tone: 'danger', headline: 'dan@mismatch.test: protection broken (+1 more)' },
  { level: 'undeliverable', tone: 'danger', headline: 'eve@nullmx.test: does not accept mail (+2 more)' },
  { level: 'undeliverable', tone: 'danger', headline: 'eve@nullmx.test: does not accept mail (+3 more)' },
] as const;

const glyphOf = (level: string) => LEVELS.find((l) => l.level === level)?.glyph ?? '';

/** Poll often: each read is one CDP round trip, and results arrive within a few hundred ms. */
const POLL_MS = 100;

let h: Harness;
let gmail: GmailPage;

beforeAll(async () => {
  h = await startHarness({ loopback: 40, extensionDir: CHROME_TEST_BUILD });
  gmail = await openGmail(h, 'composes=4');
});

afterAll(async () => {
  await h?.close();
});

/** Waits until compose `id` shows `level` and the headline inline, and the same glyph and headline on the toolbar. */
async function expectShown(id: string, want: { level: string; headline: string; tone?: string }): Promise<void> {
  await expect.poll(() => readInlineBadge(gmail, id), { timeout: 15_000, interval: POLL_MS })
    .toMatchObject({ level: want.level, text: `InTransit ${want.headline}`, glyph: glyphOf(want.level), ...(want.tone ? { tone: want.tone } : {}) });
  await expect.poll(() => readActionBadge(h, gmail.tabId), { timeout: 5_000, interval: POLL_MS })
    .toEqual({ text: glyphOf(want.level), title: `InTransit — ${want.headline}` });
}

async function withPopup<T>(read: (popup: Page) => Promise<T>): Promise<T> {
  const popup = await openPopup(h, gmail);
  try {
    return await read(popup);
  } finally {
    await popup.close();
  }
}

describe('Gmail compose in real Chromium (test build: policy fetch granted)', () => {
  it('shows each level as recipients of every level are typed: the same headline inline, on the toolbar and in the popup', async () => {
    expect(await readInlineBadge(gmail, '1')).toEqual({ level: null, tone: 'neutral', text: 'InTransit No recipients yet', glyph: '', allow: false });
    for (const [i, step] of LEVELS.entries()) {
      await gmail.page.getByTestId('to-input-1').focus();
      await typeRecipient(gmail, '1', step.address);
      await expectShown('1', HEADLINES[i]!);
    }
    const [headline, shown, notes] = await withPopup(async (popup) => Promise.all([
      activeComposeSection(popup).locator('.headline').textContent(),
      popupRecipients(popup),
      popup.getByText('Policy not checked').count(),
    ]));
    expect(headline).toBe('eve@nullmx.test: does not accept mail (+3 more)');
    // Worst first.
    expect(shown).toEqual(['eve@nullmx.test', 'dan@mismatch.test', 'cat@plain.test', 'fay@[192.0.2.1]', 'ben@testing.test', 'ann@enforce.test']
      .map((address) => ({ address, level: LEVELS.find((l) => l.address === address)!.name })));
    // The popup says "policy not checked" only when the permission is missing: not here.
    expect(notes).toBe(0);
    // The policies were fetched for real, over TLS with the trusted CA.
    expect(h.world.hosts.requests.some((r) => r.host === 'mta-sts.enforce.test' && r.path === POLICY_PATH)).toBe(true);
  });

  it('opens the details above the bar for a compose docked at the bottom of the window, inside the window', async () => {
    const placed = await inBadgeRoot<{ side: string; top: number; bottom: number; innerHeight: number; caretUnderline: string; labelUnderline: string }>(gmail, '1', `async function () {
      this.querySelector('button.toggle').click();
      await new Promise((r) => requestAnimationFrame(r));
      const panel = this.querySelector('.panel');
      const rect = panel.getBoundingClientRect();
      const style = (sel) => getComputedStyle(this.querySelector(sel)).textDecorationLine;
      const out = { side: panel.dataset.side, top: rect.top, bottom: rect.bottom, innerHeight: window.innerHeight,
        caretUnderline: style('button.toggle .caret'), labelUnderline: style('button.toggle .label') };
      this.querySelector('button.toggle').click();
      return out;
    }`);
    expect(placed.side).toBe('above');
    expect(placed.top).toBeGreaterThanOrEqual(0);
    expect(placed.bottom).toBeLessThanOrEqual(placed.innerHeight);
    expect(placed.caretUnderline).toBe('none');
    expect(placed.labelUnderline).toBe('underline');
  });

  it('changes the badge when a recipient is removed', async () => {
    await removeRecipient(gmail, '1', 'fay@[192.0.2.1]');
    await expectShown('1', HEADLINES[4]);
    await removeRecipient(gmail, '1', 'eve@nullmx.test');
    await removeRecipient(gmail, '1', 'dan@mismatch.test');
    await expectShown('1', HEADLINES[2]);
    // Backspace in the empty input removes the last chip, as in Gmail.
    await gmail.page.getByTestId('to-input-1').press('Backspace');
    await removeRecipient(gmail, '1', 'ben@testing.test');
    await expectShown('1', HEADLINES[0]);
    const shown = await withPopup(popupRecipients);
    expect(shown).toEqual([{ address: 'ann@enforce.test', level: 'Protected' }]);
  });

  it('never shows protected for a policy host whose certificate comes from another CA', async () => {
    // Record every level the badge takes (inside its closed shadow root, read through DevTools).
    await inBadgeRoot(gmail, '2', `function () {
      const badge = this.querySelector('.badge');
      const seen = [];
      window.levelsSeen = seen;
      new MutationObserver(() => seen.push(badge.getAttribute('data-level'))).observe(badge, { attributes: true, attributeFilter: ['data-level'] });
    }`);
    await gmail.page.getByTestId('to-input-2').focus();
    await typeRecipient(gmail, '2', 'gus@otherca.test');
    await expectShown('2', { level: 'misconfigured', headline: 'gus@otherca.test: protection broken' });
    const seen = await gmail.page.evaluate(() => (window as unknown as { levelsSeen: (string | null)[] }).levelsSeen);
    expect(seen).not.toContain('protected');
    // Chromium refused the handshake, so no request ever reached the host.
    expect(h.world.hosts.requests.filter((r) => r.host === 'mta-sts.otherca.test')).toEqual([]);
    const [shown, reason] = await withPopup(async (popup) => Promise.all([
      popupRecipients(popup),
      popup.locator('li.recipient', { hasText: 'gus@otherca.test' }).locator('p.reason').textContent(),
    ]));
    expect(shown).toEqual([{ address: 'gus@otherca.test', level: 'Protection broken' }]);
    expect(reason).toMatch(/policy/i);
  });

  it('keeps the right state when the service worker restarts mid-compose, then handles the next recipient', async () => {
    // Slow answers, so the restart lands while xn--bcher-kva.test is still being looked up.
    h.world.setDelay(600);
    const queriesBefore = h.world.doh.queries.length;
    await gmail.page.getByTestId('to-input-3').focus();
    await pasteRecipients(gmail, '3', ['hal@xn--bcher-kva.test', 'ivy@testing.test']);
    await expect.poll(() => h.world.doh.queries.slice(queriesBefore).some((q) => q.name === 'xn--bcher-kva.test')).toBe(true);
    expect(await readInlineBadge(gmail, '3')).toMatchObject({ level: 'checking' });
    await h.restartServiceWorker();
    h.world.setDelay(0);
    // The new worker resumes the compose from storage.session and finishes the lookup.
    await expectShown('3', { level: 'encrypted', headline: 'Likely encrypted', tone: 'calm' });
    const shown = await withPopup(popupRecipients);
    expect(shown).toEqual([
      { address: 'ivy@testing.test', level: 'Likely encrypted' },
      { address: 'hal@xn--bcher-kva.test', level: 'Protected' },
    ]);
    // Restart again with everything settled: the state survives, and typing goes on working.
    await h.restartServiceWorker();
    expect(await readActionBadge(h, gmail.tabId)).toEqual({ text: '~', title: 'InTransit — Likely encrypted' });
    await gmail.page.getByTestId('to-input-3').focus();
    await typeRecipient(gmail, '3', 'jon@nullmx.test');
    await expectShown('3', { level: 'undeliverable', headline: 'jon@nullmx.test: does not accept mail' });
    expect(await withPopup(popupRecipients)).toEqual([
      { address: 'jon@nullmx.test', level: 'Does not accept mail' },
      { address: 'ivy@testing.test', level: 'Likely encrypted' },
      { address: 'hal@xn--bcher-kva.test', level: 'Protected' },
    ]);
  });

  it('after a restart with storage.session full, shows only verdicts for the recipients on screen', async () => {
    // Compose 1 (focused, so the toolbar shows it too) with protected recipients only.
    await gmail.page.getByTestId('to-input-1').focus();
    await typeRecipient(gmail, '1', 'lea@enforce.test');
    await expectShown('1', { level: 'protected', headline: 'Protected' });
    // Fill storage.session to the last few bytes, as 34 large results did in Chrome before the fix,
    // with nothing the worker could evict to make room (its cached results are taken out first): the
    // next save of the compose state fails even after making room.
    const left = await h.sw.evaluate(async () => {
      const { session } = (globalThis as unknown as { chrome: { storage: { session: {
        QUOTA_BYTES: number; getBytesInUse(k: null): Promise<number>; set(i: object): Promise<void>;
        get(k: null): Promise<Record<string, unknown>>; remove(k: string[]): Promise<void>;
      } } } }).chrome.storage;
      await session.remove(Object.keys(await session.get(null)).filter((k) => k.startsWith('assess:')));
      let size = session.QUOTA_BYTES - (await session.getBytesInUse(null)) - 64;
      for (;;) {
        try {
          await session.set({ filler: 'x'.repeat(size) });
          break;
        } catch {
          size -= 32;
        }
      }
      return session.QUOTA_BYTES - (await session.getBytesInUse(null));
    });
    expect(left).toBeLessThan(200);
    await typeRecipient(gmail, '1', 'max@plain.test');
    await expectShown('1', { level: 'unverified', headline: 'max@plain.test: no protection published' });
    // Every level the badge shows from now on.
    await inBadgeRoot(gmail, '1', `function () {
      const badge = this.querySelector('.badge');
      const seen = [];
      window.levelsAfterRestart = seen;
      new MutationObserver(() => seen.push(badge.getAttribute('data-level'))).observe(badge, { attributes: true, attributeFilter: ['data-level'] });
    }`);
    // The compose state with max@plain.test could not be saved: the new worker starts from the older list.
    await h.restartServiceWorker();
    await expectShown('1', { level: 'unverified', headline: 'max@plain.test: no protection published' });
    const seen = await gmail.page.evaluate(() => (window as unknown as { levelsAfterRestart: (string | null)[] }).levelsAfterRestart);
    expect(seen).not.toContain('protected');
    await h.sw.evaluate(async () => {
      await (globalThis as unknown as { chrome: { storage: { session: { remove(k: string): Promise<void> } } } }).chrome.storage.session.remove('filler');
    });
  });

  it('says "could not check" for a domain whose lookups hang, never safe', async () => {
    hangDomain(h.world, 'hang.test');
    await gmail.page.getByTestId('to-input-4').focus();
    await typeRecipient(gmail, '4', 'kim@hang.test');
    await expectShown('4', { level: 'unknown', headline: 'kim@hang.test: could not check', tone: 'caution' });
  });
});
