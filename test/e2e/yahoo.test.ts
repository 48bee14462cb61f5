// Yahoo Mail end to end in real Chromium with the TEST build (dist/chrome-test: the policy-fetch
// permission is granted from the start). The Yahoo-like app (test/fixtures/yahoo-app) is served
// as https://mail.yahoo.com/; the extension asks the world's DoH server (helpers.ts). A scripted
// user writes a new message next to an inline reply, sees the autocomplete inside the field,
// reveals and hides Cc/Bcc, and sends both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TYPING_IDLE_MS } from '../../src/content/watcher.ts';
import {
  CHROME_TEST_BUILD, openPopup, openWebmail, popupRecipients, queriesOutside, readActionBadge, readInlineBadge, startHarness,
  YAHOO_SITE, type Harness, type WebmailPage,
} from './helpers.ts';

/** 127.0.0.44: this suite's own address for port 443 (the webmail helper's range is 42–49). */
const LOOPBACK = 44;
const POLL = { timeout: 15_000, interval: 100 };

/** The glyph of each level (src/shared/level-table.ts). */
const GLYPH: Record<string, string> = { protected: '✓', encrypted: '~', unverified: '!', misconfigured: '!!', undeliverable: '✗', unknown: '?' };
/** What the inline badge reads for a headline (src/shared/headline.ts: the same words as the toolbar and popup). */
const shown = (level: string, headline: string) => ({ level, text: `InTransit ${headline}`, glyph: GLYPH[level] });
const toolbar = (level: string, headline: string) => ({ text: GLYPH[level], title: `InTransit — ${headline}` });

interface Sent { compose: string; via: string; to: string[]; cc: string[]; bcc: string[] }
const sentLog = (page: Page) => page.evaluate(() => (window as unknown as { __sent: Sent[] }).__sent.map(({ compose, via, to, cc, bcc }) => ({ compose, via, to, cc, bcc })));

let h: Harness;
let yahoo: WebmailPage;
let queriesBefore = 0;

beforeAll(async () => {
  h = await startHarness({ loopback: LOOPBACK, extensionDir: CHROME_TEST_BUILD, sites: [YAHOO_SITE] });
  queriesBefore = h.world.doh.queries.length;
  yahoo = await openWebmail(h, YAHOO_SITE, 'compose=1&reply=1');
});

afterAll(async () => {
  await h?.close();
});

/** Types an address into a field and confirms it with Enter, as a person does; waits for the pill. */
async function addRecipient(page: Page, composeId: string, kind: 'to' | 'cc' | 'bcc', address: string): Promise<void> {
  const input = page.getByTestId(`${kind}-input-${composeId}`);
  await input.click();
  await input.pressSequentially(address);
  await input.press('Enter');
  await page.locator(`[data-testid="compose-${composeId}"] [data-testid="pill-${address}"]`).waitFor({ state: 'attached' });
}

describe('Yahoo Mail in real Chromium (test build: policy fetch granted)', () => {
  it('gives the new message and the inline reply their own badges and verdicts', async () => {
    await expect.poll(() => readInlineBadge(yahoo, 'r1'), POLL).toMatchObject(shown('unverified', 'sam@plain.test: no protection published'));
    expect(await readInlineBadge(yahoo, '1')).toMatchObject({ level: null, text: 'InTransit No recipients yet' });
    await addRecipient(yahoo.page, '1', 'to', 'ann@enforce.test');
    await expect.poll(() => readInlineBadge(yahoo, '1'), POLL).toMatchObject(shown('protected', 'Protected'));
    expect(await readInlineBadge(yahoo, 'r1')).toMatchObject({ level: 'unverified' });
    await expect.poll(() => readActionBadge(h, yahoo.tabId), POLL).toEqual(toolbar('protected', 'Protected'));
  });

  it('never reads the autocomplete list inside the field, nor a half-typed word', async () => {
    const input = yahoo.page.getByTestId('to-input-1');
    await input.click();
    await input.pressSequentially('le');
    const list = yahoo.page.getByTestId('suggestions');
    await list.waitFor();
    expect(await list.evaluate((el) => el.closest('[data-test-id="container-to"]') !== null)).toBe(true);
    // Nothing to await here: the point is that nothing happens. Past the typing pause the content
    // script has re-read the compose with the list open ("le" is no address, and the list's
    // addresses are no recipients), and the badge is unchanged.
    await yahoo.page.waitForTimeout(TYPING_IDLE_MS + 500);
    expect(await readInlineBadge(yahoo, '1')).toMatchObject(shown('protected', 'Protected'));
    await input.press('Backspace');
    await input.press('Backspace');
    await input.press('Escape');
    expect(h.world.doh.queries.some((q) => q.name.endsWith('contacts.test'))).toBe(false);
  });

  it('reads Cc and Bcc once revealed, and keeps counting them when they are hidden again', async () => {
    expect(await yahoo.page.getByTestId('bcc-input-1').count()).toBe(0);
    await yahoo.page.getByTestId('btn-cc-1').click();
    await addRecipient(yahoo.page, '1', 'bcc', 'dan@mismatch.test');
    await expect.poll(() => readInlineBadge(yahoo, '1'), POLL).toMatchObject(shown('misconfigured', 'dan@mismatch.test: protection broken'));
    await yahoo.page.getByTestId('btn-cc-1').click();
    expect(await yahoo.page.getByTestId('bcc-row-1').isVisible()).toBe(false);
    await expect.poll(() => readActionBadge(h, yahoo.tabId), POLL).toEqual(toolbar('misconfigured', 'dan@mismatch.test: protection broken'));
    const popup = await openPopup(h, yahoo);
    try {
      expect(await popupRecipients(popup)).toEqual([
        { address: 'dan@mismatch.test', level: 'Protection broken' },
        { address: 'ann@enforce.test', level: 'Protected' },
      ]);
    } finally {
      await popup.close();
    }
  });

  it('records sends like the real app (Ctrl+Enter and click) and drops each compose and its badge', async () => {
    await yahoo.page.getByTestId('to-input-1').press('Control+Enter');
    await yahoo.page.getByTestId('send-r1').click();
    expect(await sentLog(yahoo.page)).toEqual([
      { compose: '1', via: 'shortcut', to: ['<ann@enforce.test>'], cc: [], bcc: ['<dan@mismatch.test>'] },
      { compose: 'r1', via: 'click', to: ['Sam Ray <sam@plain.test>'], cc: [], bcc: [] },
    ]);
    expect(await readInlineBadge(yahoo, '1')).toBeNull();
    await expect.poll(() => readActionBadge(h, yahoo.tabId), POLL).toEqual({ text: '', title: 'InTransit: checks how your email will travel to each recipient' });
  });

  it('let only the recipients\' domains reach the resolver', () => {
    // Not the From row, the message list, the message being replied to, its quoted copy, the
    // autocomplete's contacts or half-typed words.
    expect(queriesOutside(h, ['enforce.test', 'plain.test', 'mismatch.test'], queriesBefore)).toEqual([]);
  });
});
