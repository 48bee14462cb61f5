// Outlook on the web end to end in real Chromium with the TEST build (dist/chrome-test: the
// policy-fetch permission is granted from the start). The Outlook-like app
// (test/fixtures/outlook-app) is served as https://outlook.office.com/ with Trusted Types required
// and its own `default` policy, as OWA does; the extension asks the world's DoH server as
// cloudflare-dns.com / dns.google (helpers.ts). A scripted user writes a new message and an
// inline reply that sit in one [role=main], picks a contact that Outlook shows by name only,
// reveals Bcc, pops the draft out into an about:blank window and sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  activeComposeSection, attachPage, CHROME_TEST_BUILD, openPopup, openWebmail, OUTLOOK_SITE, popupRecipients, queriesOutside,
  readActionBadge, readInlineBadge, startHarness, tabOpenedBy, type Harness, type WebmailPage,
} from './helpers.ts';

/** 127.0.0.43: this suite's own address for port 443 (the webmail helper's range is 42–49). */
const LOOPBACK = 43;
const POLL = { timeout: 15_000, interval: 100 };

/** The glyph of each level (src/shared/level-table.ts). */
const GLYPH: Record<string, string> = { protected: '✓', encrypted: '~', unverified: '!', misconfigured: '!!', undeliverable: '✗', unknown: '?' };
/** What the inline badge reads for a headline (src/shared/headline.ts: the same words as the toolbar and popup). */
const shown = (level: string, headline: string) => ({ level, text: `InTransit ${headline}`, glyph: GLYPH[level] });
const toolbar = (level: string, headline: string) => ({ text: GLYPH[level], title: `InTransit — ${headline}` });

interface TrustedTypesLog { defaultCalls: { kind: string; sample: string }[]; violations: { directive: string; sample: string }[] }
const ttLog = (page: Page) => page.evaluate(() => (window as unknown as { __tt: TrustedTypesLog }).__tt);
interface Sent { compose: string; window: string; via: string; to: string[]; cc: string[]; bcc: string[] }
const sentLog = (page: Page) => page.evaluate(() => (window as unknown as { __sent: Sent[] }).__sent.map(({ compose, window: w, via, to, cc, bcc }) => ({ compose, window: w, via, to, cc, bcc })));

let h: Harness;
let outlook: WebmailPage;
const queriesBefore = { value: 0 };

beforeAll(async () => {
  h = await startHarness({ loopback: LOOPBACK, extensionDir: CHROME_TEST_BUILD, sites: [OUTLOOK_SITE] });
  queriesBefore.value = h.world.doh.queries.length;
  outlook = await openWebmail(h, OUTLOOK_SITE, 'compose=1&reply=1');
});

afterAll(async () => {
  await h?.close();
});

async function typeInWell(page: Page, composeId: string, kind: 'to' | 'cc' | 'bcc', text: string): Promise<void> {
  const well = page.getByTestId(`${kind}-well-${composeId}`);
  await well.click();
  await well.pressSequentially(text);
}

describe('Outlook on the web in real Chromium (test build: policy fetch granted)', () => {
  it('serves a page that enforces Trusted Types with its own default policy (no string reaches an HTML sink)', async () => {
    const attempt = await outlook.page.evaluate(() => {
      const results: string[] = [];
      try {
        // The page's own attempt, to prove the fixture enforces Trusted Types (never the extension's).
        // eslint-disable-next-line no-restricted-properties
        document.createElement('div').innerHTML = '<b>string</b>';
        results.push('innerHTML assigned');
      } catch (e) {
        results.push((e as Error).name);
      }
      try {
        (window as unknown as { trustedTypes: { createPolicy(n: string, p: object): unknown } }).trustedTypes.createPolicy('extension', {});
        results.push('policy created');
      } catch (e) {
        results.push((e as Error).name);
      }
      return results;
    });
    expect(attempt).toEqual(['TypeError', 'TypeError']);
    expect((await ttLog(outlook.page)).defaultCalls).toEqual([{ kind: 'html', sink: 'Element innerHTML', sample: '<b>string</b>' }]);
    await outlook.page.evaluate(() => {
      const tt = (window as unknown as { __tt: TrustedTypesLog }).__tt;
      tt.defaultCalls.length = 0;
      tt.violations.length = 0;
    });
  });

  it('gives the new message and the inline reply (one [role=main]) their own badges and verdicts', async () => {
    // The reply is pre-filled with the sender: no protection published.
    await expect.poll(() => readInlineBadge(outlook, 'r1'), POLL).toMatchObject(shown('unverified', 'lena@plain.test: no protection published'));
    expect(await readInlineBadge(outlook, '1')).toMatchObject({ level: null, text: 'InTransit No recipients yet' });
    // Enter does not resolve an address in Outlook: the typed text stays text, and counts once the user pauses.
    await typeInWell(outlook.page, '1', 'to', 'ann@enforce.test');
    await outlook.page.getByTestId('to-well-1').press('Enter');
    await expect.poll(() => readInlineBadge(outlook, '1'), POLL).toMatchObject(shown('protected', 'Protected'));
    expect(await outlook.page.locator('[data-testid="to-well-1"] .pill').count()).toBe(0);
    // ";" resolves it into a pill; the verdict stays.
    await outlook.page.getByTestId('to-well-1').press(';');
    await outlook.page.locator('[data-testid="to-well-1"] .pill').waitFor();
    await expect.poll(() => readInlineBadge(outlook, '1'), POLL).toMatchObject(shown('protected', 'Protected'));
    expect(await readInlineBadge(outlook, 'r1')).toMatchObject({ level: 'unverified' });
  });

  it('counts a contact Outlook shows by name only as "could not check", inline, on the toolbar and in the popup', async () => {
    await typeInWell(outlook.page, '1', 'to', 'Do');
    const option = outlook.page.getByTestId('suggestion-Dora Directory');
    await option.waitFor();
    await option.dispatchEvent('mousedown');
    await outlook.page.locator('[data-testid="to-well-1"] .pill', { hasText: 'Dora Directory' }).waitFor();
    await expect.poll(() => readInlineBadge(outlook, '1'), POLL).toMatchObject(shown('unknown', 'Dora Directory: could not check'));
    await expect.poll(() => readActionBadge(h, outlook.tabId), POLL).toEqual(toolbar('unknown', 'Dora Directory: could not check'));
    const popup = await openPopup(h, outlook);
    try {
      // Worst first.
      expect(await popupRecipients(popup)).toEqual([
        { address: 'Dora Directory', level: 'Could not check' },
        { address: 'ann@enforce.test', level: 'Protected' },
      ]);
      expect(await activeComposeSection(popup).locator('li.recipient', { hasText: 'Dora Directory' }).textContent()).toMatch(/by name only/);
    } finally {
      await popup.close();
    }
  });

  it('reads Bcc once revealed; typed text counts when the user leaves the field (Tab does not resolve it)', async () => {
    expect(await outlook.page.getByTestId('bcc-well-1').count()).toBe(0);
    await outlook.page.getByTestId('bcc-button-1').click();
    await typeInWell(outlook.page, '1', 'bcc', 'cat@plain.test');
    await outlook.page.getByTestId('bcc-well-1').press('Tab');
    // The most actionable problem leads; the recipient without an address is still counted.
    await expect.poll(() => readInlineBadge(outlook, '1'), POLL).toMatchObject(shown('unverified', 'cat@plain.test: no protection published (+1 more)'));
    expect(await outlook.page.locator('[data-testid="bcc-well-1"] .pill').count()).toBe(0);
  });

  it('follows the draft into its pop-out window (about:blank, written by the Outlook page), and sends from there', async () => {
    const opened = h.browser.context.waitForEvent('page');
    await outlook.page.getByTestId('popout-1').click();
    const page = await opened;
    await page.locator('[data-testid="compose-1"] [data-intransit="badge"]').waitFor({ state: 'attached', timeout: 15_000 });
    expect(page.url()).toBe('about:blank');
    const tabId = await tabOpenedBy(h, outlook.tabId);
    if (tabId === undefined) throw new Error('no tab for the pop-out window');
    const popout = await attachPage(h, page, tabId, 'about:blank');
    // The docked compose left the reading pane; the draft, with its three recipients, is here.
    expect(await outlook.page.getByTestId('compose-1').count()).toBe(0);
    await expect.poll(() => readInlineBadge(popout, '1'), POLL).toMatchObject(shown('unverified', 'cat@plain.test: no protection published (+1 more)'));
    // Remove the name-only contact and add a broken domain, in the pop-out.
    await page.locator('[data-testid="to-well-1"] .pill', { hasText: 'Dora Directory' }).getByRole('button', { name: 'Remove Dora Directory' }).click();
    await typeInWell(page, '1', 'to', 'dan@mismatch.test;');
    await expect.poll(() => readInlineBadge(popout, '1'), POLL).toMatchObject(shown('misconfigured', 'dan@mismatch.test: protection broken (+1 more)'));
    await expect.poll(() => readActionBadge(h, tabId), POLL).toEqual(toolbar('misconfigured', 'dan@mismatch.test: protection broken (+1 more)'));
    // Ctrl+Enter sends (the app's delegated keydown listener on its root, bubble phase).
    const closed = page.waitForEvent('close');
    // The app closes the window while the key is still down: the press itself cannot complete.
    await page.getByTestId('to-well-1').press('Control+Enter').catch((e: Error) => {
      if (!/closed/.test(e.message)) throw e;
    });
    await closed;
    expect((await sentLog(outlook.page)).at(-1)).toEqual({
      compose: '1', window: 'popout', via: 'shortcut', to: ['ann@enforce.test', 'dan@mismatch.test'], cc: [], bcc: ['cat@plain.test'],
    });
  });

  it('reads a compose in a frame the page wrote (about:blank iframe) and answers that frame', async () => {
    const id = await outlook.page.evaluate(() => (window as unknown as { outlookApp: { openFramedCompose(): string } }).outlookApp.openFramedCompose());
    const frameSelector = `[data-testid="compose-frame-${id}"]`;
    const frame = outlook.page.frameLocator(frameSelector);
    await frame.locator(`[data-testid="compose-${id}"] [data-intransit="badge"]`).waitFor({ state: 'attached', timeout: 15_000 });
    const well = frame.getByTestId(`to-well-${id}`);
    await well.click();
    await well.pressSequentially('eve@nullmx.test;');
    await expect.poll(() => readInlineBadge(outlook, id, { frame: frameSelector }), POLL).toMatchObject(shown('undeliverable', 'eve@nullmx.test: does not accept mail'));
    // The reply in the top frame keeps its own verdict.
    expect(await readInlineBadge(outlook, 'r1')).toMatchObject({ level: 'unverified' });
    await frame.getByTestId(`discard-${id}`).click();
  });

  it('records a send by click like the real app and drops the compose and its badge', async () => {
    await outlook.page.locator('[data-testid="compose-r1"] [data-testid="ComposeSendButton"]').click();
    expect((await sentLog(outlook.page)).at(-1)).toEqual({ compose: 'r1', window: 'main', via: 'click', to: ['lena@plain.test'], cc: [], bcc: [] });
    expect(await readInlineBadge(outlook, 'r1')).toBeNull();
    await expect.poll(() => readActionBadge(h, outlook.tabId), POLL).toEqual({ text: '', title: 'InTransit: checks how your email will travel to each recipient' });
  });

  it('let only the recipients\' domains reach the resolver, and nothing reached an HTML sink', async () => {
    // Not the From row, the message list, the suggestion list, the read-only wells of the
    // conversation, the quoted header, half-typed words or the name-only contact's directory.
    expect(queriesOutside(h, ['enforce.test', 'plain.test', 'mismatch.test', 'nullmx.test'], queriesBefore.value)).toEqual([]);
    const asked = new Set(h.world.doh.queries.map((q) => q.name));
    expect(asked).toContain('enforce.test');
    expect(asked).toContain('mismatch.test');
    expect(await ttLog(outlook.page)).toEqual({ defaultCalls: [], violations: [] });
  });
});
