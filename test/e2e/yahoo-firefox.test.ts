// The shipped Firefox build (dist/firefox) with Yahoo Mail, end to end in real Firefox ESR over
// WebDriver BiDi (the pattern of firefox.test.ts). Every host name resolves to this suite's
// loopback address, where one HTTPS server serves the Yahoo-like app as mail.yahoo.com and hands
// cloudflare-dns.com to the world's DoH server. No policy-fetch permission (optional in the
// shipped build): verdicts come from DNS alone (plain.test -> unverified, enforce.test ->
// encrypted). The badge's text is in a closed shadow root that BiDi cannot enter; its host's
// data-level is what the page can see, set only from verdicts the background sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launchFirefox, type FirefoxSession } from '../support/firefox.ts';
import { POLICY_PATH, startWorld, type World } from '../support/world.ts';
import { YAHOO_SITE } from './helpers.ts';

const FIREFOX_BUILD = resolve('dist/firefox');
/** 127.0.0.45: this suite's own address for port 443 (the webmail helper's range is 42–49). */
const LOOPBACK = 45;
const VERDICT_TIMEOUT_MS = 20_000;

let world: World;
let firefox: FirefoxSession | undefined;

beforeAll(async () => {
  if (!existsSync(join(FIREFOX_BUILD, 'manifest.json'))) throw new Error('dist/firefox is missing: run `npm run build` first');
  world = await startWorld({ loopback: LOOPBACK });
  world.hosts.set(YAHOO_SITE.host, { static: YAHOO_SITE.dir });
  world.hosts.set('cloudflare-dns.com', { handler: (req, res) => world.doh.handle(req, res) });
  firefox = await launchFirefox({ ca: world.ca, resolveAllTo: world.ip, extensionDir: FIREFOX_BUILD });
});

afterAll(async () => {
  await firefox?.close();
  await world?.close();
});

function badgeLevels(page: Page, composeIds: string[]): Promise<Record<string, string | null | undefined>> {
  return page.evaluate((ids) => Object.fromEntries(ids.map((id) => {
    const host = document.querySelector(`[data-testid="compose-${id}"] [data-intransit="badge"]`);
    return [id, host === null ? undefined : host.getAttribute('data-level')];
  })), composeIds);
}

async function addRecipient(page: Page, composeId: string, address: string): Promise<void> {
  await page.type(`[data-testid="to-input-${composeId}"]`, address);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`[data-testid="compose-${composeId}"] [data-testid="pill-${address}"]`);
}

describe('Firefox: the shipped build in Yahoo Mail', () => {
  it('mounts a badge in the new message and in the inline reply, each with its own verdict from DNS', async () => {
    if (!firefox) throw new Error('Firefox did not start');
    const page = await firefox.browser.newPage();
    try {
      const response = await page.goto('https://mail.yahoo.com/?compose=1&reply=1');
      expect(response?.status()).toBe(200);
      await page.waitForSelector('html[data-app-ready="true"]');
      await page.waitForSelector('[data-testid="compose-1"] [data-intransit="badge"]');
      await page.waitForSelector('[data-testid="compose-r1"] [data-intransit="badge"]');
      // Right before the body editor, closed shadow root.
      const placement = await page.$$eval('[data-intransit="badge"]', (hosts) => hosts.map((host) => ({
        compose: host.closest('[data-test-id="compose"]')?.getAttribute('data-testid'),
        beforeEditor: host.nextElementSibling?.id === 'editor-container',
        shadowRoot: host.shadowRoot,
      })));
      expect(placement).toEqual([
        { compose: 'compose-r1', beforeEditor: true, shadowRoot: null },
        { compose: 'compose-1', beforeEditor: true, shadowRoot: null },
      ]);

      await addRecipient(page, '1', 'friend@enforce.test');
      const expected = { 1: 'encrypted', r1: 'unverified' };
      await page.waitForFunction((want: Record<string, string>) => Object.entries(want).every(([id, level]) =>
        document.querySelector(`[data-testid="compose-${id}"] [data-intransit="badge"]`)?.getAttribute('data-level') === level),
      { timeout: VERDICT_TIMEOUT_MS }, expected).catch(() => {});
      expect(await badgeLevels(page, ['1', 'r1'])).toEqual(expected);

      // Only the recipients' domains were asked, over the default resolver; no policy was fetched.
      const names = new Set(world.doh.queries.map((q) => q.name));
      expect([...names].filter((n) => !/(^|\.)(enforce|plain)\.test$/.test(n))).toEqual([]);
      expect([...names]).toEqual(expect.arrayContaining(['enforce.test', 'plain.test']));
      expect(world.hosts.requests.filter((r) => r.path.startsWith(POLICY_PATH))).toEqual([]);
    } finally {
      await page.close().catch(() => {});
    }
  });
});
