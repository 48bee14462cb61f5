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
  activeComposeSection, CHROME_TEST_BUILD, hangDomain, openGmail, openPopup, pasteRecipients, popupRecipients, readActionBadge,
  readInlineBadge, removeRecipient, startHarness, typeRecipient, type GmailPage, type Harness,
} from './helpers.ts';

/** Each level, the recipient that gets it, and how each surface says it (Gmail as the sender). */
const LEVELS = [
  { level: 'protected', address: 'ann@enforce.test', inline: 'Protected', glyph: '✓', name: 'Protected' },
  { level: 'encrypted', address: 'ben@testing.test', inline: 'Likely encrypted', glyph: '~', name: 'Encrypted, not guaranteed' },
  { level: 'unverified', address: 'cat@plain.test', inline: 'Not protected', glyph: '!', name: 'No protection published' },
  { level: 'misconfigured', address: 'dan@mismatch.test', inline: 'Misconfigured', glyph: '!!', name: 'Protection broken' },
  { level: 'undeliverable', address: 'eve@nullmx.test', inline: 'Undeliverable', glyph: '✗', name: 'Does not accept mail' },
  { level: 'unknown', address: 'fay@[192.0.2.1]', inline: 'Could not check', glyph: '?', name: 'Could not check' },
] as const;

/** The inline badge's words for the worst level of `total` recipients, `bad` not protected. */
function inlineText(word: string, bad: number, total: number): string {
  if (total === 1) return `InTransit ${word}: 1 recipient`;
  return bad === 0 ? `InTransit ${word}: all ${total} recipients` : `InTransit ${word}: ${bad} of ${total} recipients not protected`;
}
function actionTitle(name: string, bad: number, total: number): string {
  if (total === 1) return `InTransit: 1 recipient — ${name}`;
  return bad === 0 ? `InTransit: all ${total} recipients — ${name}` : `InTransit: ${bad} of ${total} recipients not protected — worst: ${name}`;
}

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

/** Waits until compose `id` shows `level` with exactly `text` inline and `glyph`/`title` on the toolbar. */
async function expectShown(id: string, want: { level: string; text: string; glyph: string; title: string }): Promise<void> {
  await expect.poll(() => readInlineBadge(gmail, id), { timeout: 15_000, interval: POLL_MS }).toMatchObject({ level: want.level, text: want.text });
  await expect.poll(() => readActionBadge(h, gmail.tabId), { timeout: 5_000, interval: POLL_MS }).toEqual({ text: want.glyph, title: want.title });
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
  it('shows each level as recipients of every level are typed, inline, on the toolbar and in the popup', async () => {
    expect(await readInlineBadge(gmail, '1')).toEqual({ level: null, text: 'InTransit No recipients yet', glyph: '' });
    for (const [i, step] of LEVELS.entries()) {
      await gmail.page.getByTestId('to-input-1').focus();
      await typeRecipient(gmail, '1', step.address);
      const total = i + 1;
      // Ordered best to worst, so each new recipient is the compose's worst; all but a protected one count as not protected.
      const bad = LEVELS.slice(0, total).filter((l) => l.level !== 'protected').length;
      await expectShown('1', { level: step.level, text: inlineText(step.inline, bad, total), glyph: step.glyph, title: actionTitle(step.name, bad, total) });
    }
    const shown = await withPopup(async (popup) => {
      expect(await activeComposeSection(popup).locator('.compose-summary').textContent()).toBe('5 of 6 recipients not protected. Worst: Could not check.');
      // The popup says "policy not checked" only when the permission is missing: not here.
      expect(await popup.getByText('Policy not checked').count()).toBe(0);
      return popupRecipients(popup);
    });
    expect(shown).toEqual(LEVELS.map((l) => ({ address: l.address, level: l.name })));
    // The policies were fetched for real, over TLS with the trusted CA.
    expect(h.world.hosts.requests.some((r) => r.host === 'mta-sts.enforce.test' && r.path === POLICY_PATH)).toBe(true);
  });

  it('changes the badge when a recipient is removed', async () => {
    await removeRecipient(gmail, '1', 'fay@[192.0.2.1]');
    await expectShown('1', { level: 'undeliverable', text: inlineText('Undeliverable', 4, 5), glyph: '✗', title: actionTitle('Does not accept mail', 4, 5) });
    await removeRecipient(gmail, '1', 'eve@nullmx.test');
    await removeRecipient(gmail, '1', 'dan@mismatch.test');
    await expectShown('1', { level: 'unverified', text: inlineText('Not protected', 2, 3), glyph: '!', title: actionTitle('No protection published', 2, 3) });
    // Backspace in the empty input removes the last chip, as in Gmail.
    await gmail.page.getByTestId('to-input-1').press('Backspace');
    await removeRecipient(gmail, '1', 'ben@testing.test');
    await expectShown('1', { level: 'protected', text: inlineText('Protected', 0, 1), glyph: '✓', title: actionTitle('Protected', 0, 1) });
    const shown = await withPopup(popupRecipients);
    expect(shown).toEqual([{ address: 'ann@enforce.test', level: 'Protected' }]);
  });

  it('never shows protected for a policy host whose certificate comes from another CA', async () => {
    // Record every level the badge host ever takes (its data-level attribute is outside the shadow root).
    await gmail.page.evaluate(() => {
      const host = document.querySelector('[data-testid="compose-2"] [data-intransit="badge"]');
      const seen: (string | null)[] = [];
      (window as unknown as { levelsSeen: (string | null)[] }).levelsSeen = seen;
      new MutationObserver(() => seen.push(host?.getAttribute('data-level') ?? null)).observe(host as Element, { attributes: true, attributeFilter: ['data-level'] });
    });
    await gmail.page.getByTestId('to-input-2').focus();
    await typeRecipient(gmail, '2', 'gus@otherca.test');
    await expectShown('2', { level: 'misconfigured', text: inlineText('Misconfigured', 1, 1), glyph: '!!', title: actionTitle('Protection broken', 1, 1) });
    const seen = await gmail.page.evaluate(() => (window as unknown as { levelsSeen: (string | null)[] }).levelsSeen);
    expect(seen).not.toContain('protected');
    // Chromium refused the handshake, so no request ever reached the host.
    expect(h.world.hosts.requests.filter((r) => r.host === 'mta-sts.otherca.test')).toEqual([]);
    const [shown, reason] = await withPopup(async (popup) => Promise.all([
      popupRecipients(popup),
      popup.locator('li.recipient', { hasText: 'gus@otherca.test' }).locator('p.muted').first().textContent(),
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
    await expectShown('3', {
      level: 'encrypted', text: inlineText('Likely encrypted', 1, 2), glyph: '~', title: actionTitle('Encrypted, not guaranteed', 1, 2),
    });
    const shown = await withPopup(popupRecipients);
    expect(shown).toEqual([
      { address: 'hal@xn--bcher-kva.test', level: 'Protected' },
      { address: 'ivy@testing.test', level: 'Encrypted, not guaranteed' },
    ]);
    // Restart again with everything settled: the state survives, and typing goes on working.
    await h.restartServiceWorker();
    expect(await readActionBadge(h, gmail.tabId)).toEqual({ text: '~', title: actionTitle('Encrypted, not guaranteed', 1, 2) });
    await gmail.page.getByTestId('to-input-3').focus();
    await typeRecipient(gmail, '3', 'jon@nullmx.test');
    await expectShown('3', { level: 'undeliverable', text: inlineText('Undeliverable', 2, 3), glyph: '✗', title: actionTitle('Does not accept mail', 2, 3) });
    expect(await withPopup(popupRecipients)).toEqual([
      { address: 'hal@xn--bcher-kva.test', level: 'Protected' },
      { address: 'ivy@testing.test', level: 'Encrypted, not guaranteed' },
      { address: 'jon@nullmx.test', level: 'Does not accept mail' },
    ]);
  });

  it('says "could not check" for a domain whose lookups hang, never safe', async () => {
    hangDomain(h.world, 'hang.test');
    await gmail.page.getByTestId('to-input-4').focus();
    await typeRecipient(gmail, '4', 'kim@hang.test');
    await expectShown('4', { level: 'unknown', text: inlineText('Could not check', 1, 1), glyph: '?', title: actionTitle('Could not check', 1, 1) });
  });
});
