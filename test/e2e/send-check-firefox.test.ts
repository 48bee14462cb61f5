// The send-time check in real Firefox ESR with the shipped build (dist/firefox), driven by
// puppeteer-core over WebDriver BiDi, in the Gmail-like app served as mail.google.com. The mode
// (`confirm`) comes from Firefox's managed storage: a managed-storage manifest in the HOME Firefox
// is started with (~/.mozilla/managed-storage/<gecko id>.json), so nothing outside a temporary
// directory changes. Over BiDi the dialog's closed shadow root cannot be entered, so the test
// reads what the page sees (the dialog's host, where focus is, what the app recorded as sent in
// window.__sent) and drives it with the keyboard, as a person would; a screenshot of the dialog
// goes to /work/screens/. No policy-fetch permission is granted: enforce.test is "likely
// encrypted" (above the default threshold), plain.test "no protection published".
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { GECKO_ID } from '../../manifest.config.ts';
import { launchFirefox, type FirefoxSession } from '../support/firefox.ts';
import { pixelAt, readPng } from '../support/png.ts';
import { makeTempDir, removeTempDir } from '../support/tmp.ts';
import { startWorld, type World } from '../support/world.ts';

const FIREFOX_BUILD = resolve('dist/firefox');
const GMAIL_APP = resolve('test/fixtures/gmail-app');
/** 127.0.0.101: this suite's own address (the send-check range is 100–109). */
const LOOPBACK = 101;
const SCREENS = '/work/screens';
const VERDICT_TIMEOUT_MS = 20_000;
/** Badge backgrounds by tone (src/content/badge.ts, light page). */
const TONE = { caution: '#fef7e0', calm: '#e4ecf5' } as const;
const DIALOG = '[data-intransit="send-check"]';

interface Sent { compose: string; via: string; to: string[] }

let world: World;
let firefox: FirefoxSession | undefined;
let home: string;
let page: Page;

beforeAll(async () => {
  if (!existsSync(join(FIREFOX_BUILD, 'manifest.json'))) throw new Error('dist/firefox is missing: run `npm run build` first');
  mkdirSync(SCREENS, { recursive: true });
  home = makeTempDir('firefox-home-');
  mkdirSync(join(home, '.mozilla/managed-storage'), { recursive: true });
  writeFileSync(join(home, `.mozilla/managed-storage/${GECKO_ID}.json`), JSON.stringify({
    name: GECKO_ID, description: 'InTransit e2e: check before sending', type: 'storage', data: { sendCheck: 'confirm' },
  }));
  world = await startWorld({ loopback: LOOPBACK });
  world.hosts.set('mail.google.com', { static: GMAIL_APP });
  world.hosts.set('cloudflare-dns.com', { handler: (req, res) => world.doh.handle(req, res) });
  firefox = await launchFirefox({ ca: world.ca, resolveAllTo: world.ip, extensionDir: FIREFOX_BUILD, env: { HOME: home } });
  page = await firefox.browser.newPage();
  await page.setViewport({ width: 1600, height: 900 });
  await page.goto('https://mail.google.com/?composes=2');
  await page.waitForSelector('html[data-app-ready="true"]');
  await page.waitForSelector('[data-testid="compose-2"] [data-intransit="badge"]');
});

afterAll(async () => {
  await firefox?.close();
  await world?.close();
  if (home) removeTempDir(home);
});

const sent = (): Promise<Sent[]> => page.evaluate(() => (window as unknown as { __sent: Sent[] }).__sent.map(({ compose, via, to }) => ({ compose, via, to })));
const dialogOpen = (): Promise<boolean> => page.evaluate((sel) => document.querySelector(sel) !== null, DIALOG);
/**
 * Waits for the dialog to leave the page. Over WebDriver BiDi a key press can resolve before
 * Firefox has run the page's handlers for it (seen on a loaded machine: the dialog was still
 * there when read at once), so what a key does is awaited, not read right after it.
 */
const dialogGone = async (): Promise<void> => {
  await page.waitForSelector(DIALOG, { hidden: true, timeout: 10_000 });
};
/** Where the page's focus is: 'dialog' (inside the dialog's host), a data-testid, or a tag name. */
const focus = (): Promise<string | null> => page.evaluate((sel) => {
  const el = document.activeElement;
  if (el === null) return null;
  return el === document.querySelector(sel) ? 'dialog' : el.getAttribute('data-testid') ?? el.tagName;
}, DIALOG);

async function addRecipient(composeId: string, address: string): Promise<void> {
  await page.type(`[data-testid="to-input-${composeId}"]`, address);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`[data-testid="compose-${composeId}"] [role="option"][data-hovercard-id="${address}"]`);
}

async function badgeColour(composeId: string): Promise<string> {
  const host = await page.$(`[data-testid="compose-${composeId}"] [data-intransit="badge"]`);
  if (host === null) throw new Error(`no badge in compose ${composeId}`);
  return pixelAt(readPng(await host.screenshot({ type: 'png' })), 3, 12);
}

async function ctrlEnter(): Promise<void> {
  await page.keyboard.down('Control');
  await page.keyboard.press('Enter');
  await page.keyboard.up('Control');
}

describe('Firefox: the check before sending (confirm, from managed storage) in the Gmail-like app', () => {
  it('waits for the verdicts (read from the badges\' colours)', async () => {
    await addRecipient('1', 'ann@plain.test');
    await addRecipient('2', 'friend@enforce.test');
    const deadline = Date.now() + VERDICT_TIMEOUT_MS;
    let seen = [await badgeColour('1'), await badgeColour('2')];
    while ((seen[0] !== TONE.caution || seen[1] !== TONE.calm) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      seen = [await badgeColour('1'), await badgeColour('2')];
    }
    expect(seen).toEqual([TONE.caution, TONE.calm]);
  });

  it('holds a click on Send in a dialog that takes the focus; Enter ("Back to editing", focused first) sends nothing and gives focus back', async () => {
    await page.click('[data-testid="send-1"]');
    expect(await dialogOpen()).toBe(true);
    expect(await focus()).toBe('dialog');
    expect(await sent()).toEqual([]);
    // The dialog's host is all the page sees of it: its content stays in a closed shadow root.
    expect(await page.evaluate((sel) => {
      const host = document.querySelector(sel);
      return host === null ? null : { shadowRoot: host.shadowRoot, attributes: [...host.attributes].map((a) => a.name), parent: host.parentElement?.tagName };
    }, DIALOG)).toEqual({ shadowRoot: null, attributes: ['data-intransit'], parent: 'HTML' });
    const box = await (await page.$('[data-testid="dialog-1"]'))?.boundingBox();
    if (box) await page.screenshot({ path: `${SCREENS}/send-check-firefox-gmail-confirm.png`, clip: { x: Math.max(0, box.x - 40), y: Math.max(0, box.y - 40), width: box.width + 80, height: Math.min(900 - Math.max(0, box.y - 40), box.height + 80) } });
    await page.keyboard.press('Enter');
    await dialogGone();
    expect(await dialogOpen()).toBe(false);
    expect(await sent()).toEqual([]);
    expect(await focus()).toBe('send-1');
  });

  it('holds Ctrl+Enter; Tab then Enter ("Send anyway") sends that compose once', async () => {
    await page.click('[data-testid="to-input-1"]');
    await ctrlEnter();
    expect(await dialogOpen()).toBe(true);
    expect(await sent()).toEqual([]);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialogGone();
    expect(await dialogOpen()).toBe(false);
    expect(await sent()).toEqual([{ compose: '1', via: 'click', to: ['ann@plain.test'] }]);
  });

  it('sends a compose whose recipients are all above the threshold at once', async () => {
    await page.click('[data-testid="send-2"]');
    expect(await dialogOpen()).toBe(false);
    expect(await sent()).toEqual([{ compose: '1', via: 'click', to: ['ann@plain.test'] }, { compose: '2', via: 'click', to: ['friend@enforce.test'] }]);
  });
});
