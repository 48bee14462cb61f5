// The send-time check end to end in real Chromium with the TEST build (dist/chrome-test: policy
// fetch granted, so enforce.test is protected), in each supported webmail's test app: the Gmail-like
// (Trusted Types required), Outlook-like (Trusted Types with its own default policy; a pop-out
// about:blank window) and Yahoo-like apps, each recording sends the way the real app does
// (delegated listeners in the bubble phase on an app root) in window.__sent. A scripted person
// sends with the mouse and the keyboard; what they see is read from the dialog's closed shadow
// root through DevTools. The mode comes from the person's own settings (storage.sync), as the
// options page writes them; `block` from a real policy file is send-check-managed.test.ts.
// Screenshots of the dialog go to /work/screens/ (outside the repository).
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import {
  attachPage, CHROME_TEST_BUILD, clickSendDialogButton, GMAIL_SITE, hangDomain, openWebmail, OUTLOOK_SITE, readInlineBadge,
  readSendDialog, sentLog, setUserSettings, startHarness, tabOpenedBy, typeRecipient, YAHOO_SITE, type Harness, type WebmailPage,
} from './helpers.ts';

/** 127.0.0.100: this suite's own address for port 443 (the send-check range is 100–109). */
const LOOPBACK = 100;
const POLL = { timeout: 15_000, interval: 100 };
export const SCREENS = '/work/screens';

const CONFIRM_TITLE = 'Send to recipients whose mail may travel unencrypted?';
const UNVERIFIED_ROW = "!ann@plain.test — No protection publishedIf the message is confidential, send it encrypted (S/MIME, your organisation's secure portal) or ask the recipient's IT to publish MTA-STS.";

let h: Harness;

beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  h = await startHarness({ loopback: LOOPBACK, extensionDir: CHROME_TEST_BUILD, sites: [GMAIL_SITE, OUTLOOK_SITE, YAHOO_SITE] });
  // Before any page opens: the first verdicts a compose gets already carry the mode.
  await setUserSettings(h, { sendCheck: 'confirm' });
});

afterAll(async () => {
  await h?.close();
});

/** Waits until a compose's badge shows `level` (usable in hooks, unlike expect.poll). */
async function badgeShows(g: WebmailPage, composeId: string, level: string): Promise<void> {
  await vi.waitFor(async () => expect(await readInlineBadge(g, composeId)).toMatchObject({ level }), POLL);
}

const activeTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);

/** A screenshot of the area around a compose (where the dialog is), saved under /work/screens/. */
async function shoot(page: Page, selector: string, name: string): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  if (box === null) throw new Error(`shoot: ${selector} is not visible`);
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  const x = Math.max(0, box.x - 60);
  const y = Math.max(0, box.y - 60);
  await page.screenshot({ path: `${SCREENS}/${name}.png`, clip: { x, y, width: Math.min(viewport.width - x, box.width + 120), height: Math.min(viewport.height - y, box.height + 120) } });
}

describe('Gmail (test app) in real Chromium', () => {
  let gmail: WebmailPage;

  beforeAll(async () => {
    gmail = await openWebmail(h, GMAIL_SITE, 'composes=2');
    await typeRecipient(gmail, '1', 'ann@plain.test');
    await typeRecipient(gmail, '2', 'bob@enforce.test');
    await badgeShows(gmail, '1', 'unverified');
    await badgeShows(gmail, '2', 'protected');
  });

  it('holds a click on Send in an accessible dialog; "Back to editing" (Enter: focus starts there) sends nothing and gives focus back', async () => {
    await gmail.page.getByTestId('send-1').click();
    const dialog = await readSendDialog(gmail);
    expect(dialog).toEqual({
      role: 'alertdialog', modal: true, labelled: true, described: true, title: CONFIRM_TITLE,
      text: 'InTransit cannot confirm that this message will reach these recipients encrypted. Send it anyway, or go back and change the recipients.',
      status: '', rows: [UNVERIFIED_ROW], buttons: ['Back to editing', 'Send anyway'], help: null,
      focused: 'Back to editing', pageFocus: true, theme: 'light',
    });
    expect(await sentLog(gmail.page)).toEqual([]);
    await shoot(gmail.page, '[data-testid="dialog-1"]', 'send-check-gmail-confirm-light');
    await gmail.page.keyboard.press('Enter');
    expect(await readSendDialog(gmail)).toBeNull();
    expect(await sentLog(gmail.page)).toEqual([]);
    // The compose is as it was, and focus is back where it was: on Send.
    expect(await gmail.page.locator('[data-testid="compose-1"] [data-hovercard-id="ann@plain.test"]').count()).toBe(1);
    expect(await activeTestId(gmail.page)).toBe('send-1');
  });

  it('holds Ctrl+Enter; "Send anyway" (Tab, Enter: focus stays inside) sends that compose once, through its Send control', async () => {
    await gmail.page.getByTestId('to-input-1').click();
    await gmail.page.keyboard.press('Control+Enter');
    await expect.poll(() => readSendDialog(gmail), POLL).toMatchObject({ rows: [UNVERIFIED_ROW], focused: 'Back to editing' });
    for (const expected of ['Send anyway', 'Back to editing', 'Send anyway']) {
      await gmail.page.keyboard.press('Tab');
      expect((await readSendDialog(gmail))?.focused).toBe(expected);
    }
    await gmail.page.keyboard.press('Enter');
    expect(await sentLog(gmail.page)).toEqual([{ compose: '1', window: 'main', via: 'click', to: ['ann@plain.test'], cc: [], bcc: [] }]);
    expect(await readSendDialog(gmail)).toBeNull();
    expect(await gmail.page.getByTestId('compose-2').count()).toBe(1);
  });

  it('sends a compose whose recipients are all protected at once, without a dialog', async () => {
    await gmail.page.getByTestId('send-2').click();
    // Recorded within the click itself: nothing held it.
    expect((await sentLog(gmail.page)).map((s) => [s.compose, s.via])).toEqual([['1', 'click'], ['2', 'click']]);
    expect(await readSendDialog(gmail)).toBeNull();
  });

  it('holds a send while a recipient is still being checked, says so, and updates the dialog live when the check ends', async () => {
    hangDomain(h.world, 'hang.test');
    await gmail.page.getByTestId('compose-button').click();
    await gmail.page.locator('[data-testid="compose-3"] [data-intransit="badge"]').waitFor({ state: 'attached' });
    await typeRecipient(gmail, '3', 'kim@hang.test');
    await gmail.page.getByTestId('send-3').click();
    expect(await readSendDialog(gmail)).toMatchObject({
      title: 'Sending once the recipients are checked', status: 'Still checking 1 recipient…',
      rows: ['…kim@hang.test — CheckingWait a moment: the result follows within seconds.'], buttons: ['Back to editing', 'Send anyway'],
    });
    await shoot(gmail.page, '[data-testid="dialog-3"]', 'send-check-gmail-checking-light');
    // The lookups never answer: after the resolver's timeouts the recipient could not be checked.
    await expect.poll(() => readSendDialog(gmail), { timeout: 30_000, interval: 250 }).toMatchObject({
      title: CONFIRM_TITLE, status: 'Every recipient is checked.', rows: [expect.stringContaining('kim@hang.test — Could not check')],
    });
    expect((await sentLog(gmail.page)).map((s) => s.compose)).toEqual(['1', '2']);
    await gmail.page.keyboard.press('Escape');
    expect(await readSendDialog(gmail)).toBeNull();
  });

  it('sends by itself once the recipients still being checked turn out fine', async () => {
    h.world.setDelay(700);
    try {
      await gmail.page.getByTestId('compose-button').click();
      await gmail.page.locator('[data-testid="compose-4"] [data-intransit="badge"]').waitFor({ state: 'attached' });
      await typeRecipient(gmail, '4', 'dana@testing.test');
      await gmail.page.keyboard.press('Control+Enter');
      expect(await readSendDialog(gmail)).toMatchObject({ title: 'Sending once the recipients are checked', status: 'Still checking 1 recipient…' });
      expect((await sentLog(gmail.page)).map((s) => s.compose)).toEqual(['1', '2']);
      // testing.test publishes MTA-STS in testing mode: likely encrypted, above the default threshold.
      await expect.poll(async () => (await sentLog(gmail.page)).map((s) => s.compose), { timeout: 30_000, interval: 100 }).toEqual(['1', '2', '4']);
      expect(await readSendDialog(gmail)).toBeNull();
    } finally {
      h.world.setDelay(0);
    }
  });

  it('shows the dialog dark on a dark page', async () => {
    await gmail.page.addStyleTag({ content: '.nH.Hd, .nH.Hd .M9, .nH.Hd .Hm { background: #202124 !important; color: #e8eaed; }' });
    await gmail.page.getByTestId('compose-button').click();
    await gmail.page.locator('[data-testid="compose-5"] [data-intransit="badge"]').waitFor({ state: 'attached' });
    await typeRecipient(gmail, '5', 'ann@plain.test');
    await typeRecipient(gmail, '5', 'eve@nullmx.test');
    await badgeShows(gmail, '5', 'undeliverable');
    await gmail.page.getByTestId('send-5').click();
    expect(await readSendDialog(gmail)).toMatchObject({ theme: 'dark', rows: [expect.stringContaining('eve@nullmx.test — Does not accept mail'), UNVERIFIED_ROW] });
    await shoot(gmail.page, '[data-testid="dialog-5"]', 'send-check-gmail-confirm-dark');
    await gmail.page.keyboard.press('Escape');
  });

  it('holds Gmail\'s "Schedule send" (it acts on the press, in a menu outside the compose) and schedules once on "Send anyway"', async () => {
    // Compose 3 still holds kim@hang.test, which could not be checked.
    await gmail.page.getByTestId('send-options-3').click();
    await gmail.page.getByTestId('schedule-send-3').click();
    expect(await readSendDialog(gmail)).toMatchObject({ title: CONFIRM_TITLE, rows: [expect.stringContaining('kim@hang.test — Could not check')] });
    expect((await sentLog(gmail.page)).map((s) => s.compose)).toEqual(['1', '2', '4']);
    await gmail.page.keyboard.press('Tab');
    await gmail.page.keyboard.press('Enter');
    expect((await sentLog(gmail.page)).at(-1)).toEqual({ compose: '3', window: 'main', via: 'schedule', to: ['kim@hang.test'], cc: [], bcc: [] });
    expect((await sentLog(gmail.page)).length).toBe(4);
  });
});

describe('Outlook on the web (test app) in real Chromium', () => {
  let outlook: WebmailPage;

  beforeAll(async () => {
    outlook = await openWebmail(h, OUTLOOK_SITE, 'compose=2');
    const well = outlook.page.getByTestId('to-well-1');
    await well.click();
    await well.pressSequentially('lena@plain.test;');
    await badgeShows(outlook, '1', 'unverified');
  });

  it('holds a click on Send; Escape goes back without discarding the compose (Outlook discards on Escape)', async () => {
    await outlook.page.locator('[data-testid="compose-1"] [data-testid="ComposeSendButton"]').click();
    expect(await readSendDialog(outlook)).toMatchObject({ title: CONFIRM_TITLE, rows: [expect.stringContaining('lena@plain.test — No protection published')], focused: 'Back to editing' });
    await outlook.page.keyboard.press('Escape');
    expect(await readSendDialog(outlook)).toBeNull();
    expect(await outlook.page.getByTestId('compose-1').count()).toBe(1);
    expect(await sentLog(outlook.page)).toEqual([]);
    expect(await activeTestId(outlook.page)).toBe('ComposeSendButton');
    // Nothing reached the page's Trusted Types sinks.
    expect(await outlook.page.evaluate(() => (window as unknown as { __tt: { defaultCalls: unknown[] } }).__tt.defaultCalls)).toEqual([]);
  });

  it('holds a contact shown by name only ("address not visible"); "Send anyway" with the mouse sends it once', async () => {
    const well = outlook.page.getByTestId('to-well-2');
    await well.click();
    await well.pressSequentially('Do');
    await outlook.page.getByTestId('suggestion-Dora Directory').dispatchEvent('mousedown');
    await outlook.page.locator('[data-testid="to-well-2"] .pill', { hasText: 'Dora Directory' }).waitFor();
    await outlook.page.getByTestId('to-well-2').press('Control+Enter');
    await expect.poll(() => readSendDialog(outlook), POLL).toMatchObject({
      rows: ['?Dora Directory — Could not checkThe page shows this recipient by name only, so InTransit could not check it: type the address instead of choosing the contact, or treat the message as not protected.'],
    });
    await clickSendDialogButton(outlook, 'Send anyway');
    expect(await sentLog(outlook.page)).toEqual([{ compose: '2', window: 'main', via: 'click', to: ['Dora Directory'], cc: [], bcc: [] }]);
    expect(await readSendDialog(outlook)).toBeNull();
  });

  it('holds a send in the pop-out window (about:blank, written by the Outlook page) and sends from there', async () => {
    const opened = h.browser.context.waitForEvent('page');
    await outlook.page.getByTestId('popout-1').click();
    const page = await opened;
    await page.locator('[data-testid="compose-1"] [data-intransit="badge"]').waitFor({ state: 'attached', timeout: 15_000 });
    const tabId = await tabOpenedBy(h, outlook.tabId);
    if (tabId === undefined) throw new Error('no tab for the pop-out window');
    const popout = await attachPage(h, page, tabId, 'about:blank');
    await badgeShows(popout, '1', 'unverified');
    await page.getByTestId('to-well-1').press('Control+Enter');
    await expect.poll(() => readSendDialog(popout), POLL).toMatchObject({ title: CONFIRM_TITLE, focused: 'Back to editing' });
    expect((await sentLog(outlook.page)).map((s) => s.compose)).toEqual(['2']);
    const closed = page.waitForEvent('close');
    await page.keyboard.press('Tab');
    // The app closes the window during the click: the key press itself cannot complete.
    await page.keyboard.press('Enter').catch((e: Error) => {
      if (!/closed/.test(e.message)) throw e;
    });
    await closed;
    expect((await sentLog(outlook.page)).at(-1)).toEqual({ compose: '1', window: 'popout', via: 'click', to: ['lena@plain.test'], cc: [], bcc: [] });
  });
});

describe('Yahoo Mail (test app) in real Chromium', () => {
  let yahoo: WebmailPage;

  beforeAll(async () => {
    yahoo = await openWebmail(h, YAHOO_SITE, 'compose=2');
    for (const [id, address] of [['1', 'sam@plain.test'], ['2', 'lee@enforce.test']] as const) {
      const input = yahoo.page.getByTestId(`to-input-${id}`);
      await input.click();
      await input.pressSequentially(address);
      await input.press('Enter');
    }
    await badgeShows(yahoo, '1', 'unverified');
    await badgeShows(yahoo, '2', 'protected');
  });

  it('holds Space on the Send button (a native button: no click follows), and a click on Send; "Back to editing" with the mouse sends nothing', async () => {
    await yahoo.page.getByTestId('send-1').focus();
    await yahoo.page.keyboard.press(' ');
    expect(await readSendDialog(yahoo)).toMatchObject({ title: CONFIRM_TITLE, focused: 'Back to editing' });
    expect(await sentLog(yahoo.page)).toEqual([]);
    await yahoo.page.keyboard.press('Escape');
    await yahoo.page.getByTestId('send-1').click();
    expect(await readSendDialog(yahoo)).toMatchObject({ title: CONFIRM_TITLE, rows: [expect.stringContaining('sam@plain.test — No protection published')] });
    await clickSendDialogButton(yahoo, 'Back to editing');
    expect(await readSendDialog(yahoo)).toBeNull();
    expect(await sentLog(yahoo.page)).toEqual([]);
    expect(await activeTestId(yahoo.page)).toBe('send-1');
  });

  it('holds Ctrl+Enter; "Send anyway" sends compose 1 once; compose 2 (protected) goes at once', async () => {
    await yahoo.page.getByTestId('to-input-1').click();
    await yahoo.page.keyboard.press('Control+Enter');
    await expect.poll(() => readSendDialog(yahoo), POLL).not.toBeNull();
    await yahoo.page.keyboard.press('Tab');
    await yahoo.page.keyboard.press('Enter');
    await yahoo.page.getByTestId('send-2').click();
    expect(await sentLog(yahoo.page)).toEqual([
      { compose: '1', window: 'main', via: 'click', to: ['<sam@plain.test>'], cc: [], bcc: [] },
      { compose: '2', window: 'main', via: 'click', to: ['<lee@enforce.test>'], cc: [], bcc: [] },
    ]);
  });
});

describe('off, and an extension reloaded mid-compose', () => {
  it('never holds a send in mode off', async () => {
    await setUserSettings(h, { sendCheck: 'off' });
    const gmail = await openWebmail(h, GMAIL_SITE, 'composes=1');
    try {
      await typeRecipient(gmail, '1', 'ann@plain.test');
      await badgeShows(gmail, '1', 'unverified');
      await gmail.page.getByTestId('send-1').click();
      expect((await sentLog(gmail.page)).map((s) => s.compose)).toEqual(['1']);
      expect(await readSendDialog(gmail)).toBeNull();
    } finally {
      await gmail.close();
      await setUserSettings(h, { sendCheck: 'confirm' });
    }
  });

  it('lets the send through when the extension was reloaded while the compose was open (the orphaned script steps aside)', async () => {
    const gmail = await openWebmail(h, GMAIL_SITE, 'composes=1');
    await typeRecipient(gmail, '1', 'ann@plain.test');
    await badgeShows(gmail, '1', 'unverified');
    // Held while the extension is there…
    await gmail.page.getByTestId('send-1').click();
    expect(await readSendDialog(gmail)).not.toBeNull();
    await gmail.page.keyboard.press('Escape');
    // … then the extension is reloaded (an update, or a developer reloading it). The worker goes
    // away during the call, so the call itself may fail.
    await h.sw.evaluate(() => (globalThis as unknown as { chrome: { runtime: { reload(): void } } }).chrome.runtime.reload()).catch(() => {});
    // The orphaned content script notices (its safety poll, or the next send) and takes its badge
    // and its listeners away.
    await expect.poll(() => gmail.page.locator('[data-intransit]').count(), POLL).toBe(0);
    await gmail.page.getByTestId('send-1').click();
    expect((await sentLog(gmail.page)).map((s) => s.compose)).toEqual(['1']);
    expect(await readSendDialog(gmail)).toBeNull();
  });
});
