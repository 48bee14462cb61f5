// The shipped Firefox build (dist/firefox) with Yahoo Mail, end to end in real Firefox ESR over
// WebDriver BiDi (the pattern of firefox.test.ts). Every host name resolves to this suite's
// loopback address, where one HTTPS server serves the Yahoo-like app as mail.yahoo.com and hands
// cloudflare-dns.com to the world's DoH server. No policy-fetch permission (optional in the
// shipped build): verdicts come from DNS alone (plain.test -> unverified, enforce.test ->
// encrypted). The badge keeps its state inside a closed shadow root, which neither the page nor
// WebDriver BiDi can enter, so the verdicts are read as a person sees them (as firefox.test.ts
// does): the colour of each compose's badge in a screenshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launchFirefox, type FirefoxSession } from '../support/firefox.ts';
import { pixelAt, readPng } from '../support/png.ts';
import { POLICY_PATH, startWorld, type World } from '../support/world.ts';
import { YAHOO_SITE } from './helpers.ts';

const FIREFOX_BUILD = resolve('dist/firefox');
/** 127.0.0.45: this suite's own address for port 443 (the webmail helper's range is 42–49). */
const LOOPBACK = 45;
const VERDICT_TIMEOUT_MS = 20_000;
/** Badge backgrounds by tone (src/content/badge.ts, light page). */
const TONE = { caution: '#fef7e0', calm: '#e4ecf5' } as const;

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

/** The background colour of each compose's badge bar, as a screenshot shows it. */
async function badgeColours(page: Page, composeIds: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of composeIds) {
    const host = await page.$(`[data-testid="compose-${id}"] [data-intransit="badge"]`);
    if (host === null) throw new Error(`no badge in compose ${id}`);
    // Left padding of the bar, mid-height: background only (the glyph starts at 8 px).
    out[id] = pixelAt(readPng(await host.screenshot({ type: 'png' })), 3, 12);
  }
  return out;
}

async function addRecipient(page: Page, composeId: string, address: string): Promise<void> {
  await page.type(`[data-testid="to-input-${composeId}"]`, address);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`[data-testid="compose-${composeId}"] [data-testid="pill-${address}"]`);
}

describe('Firefox: the shipped build in Yahoo Mail', () => {
  it('mounts a badge in the new message and in the inline reply, each showing its own verdict from DNS', async () => {
    if (!firefox) throw new Error('Firefox did not start');
    const page = await firefox.browser.newPage();
    try {
      await page.setViewport({ width: 1600, height: 900 });
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

      // The reply is pre-filled with sam@plain.test; the user adds a recipient to the new message.
      await addRecipient(page, '1', 'friend@enforce.test');
      const expected = { r1: TONE.caution, 1: TONE.calm };
      // No event tells the page a verdict arrived (it stays in the closed root): look every 250 ms.
      const deadline = Date.now() + VERDICT_TIMEOUT_MS;
      let seen = await badgeColours(page, ['r1', '1']);
      while (JSON.stringify(seen) !== JSON.stringify(expected) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        seen = await badgeColours(page, ['r1', '1']);
      }
      expect(seen).toEqual(expected);
      const dohRequests = world.hosts.requests.filter((r) => r.path.startsWith('/dns-query'));
      expect(new Set(dohRequests.map((r) => r.sni))).toEqual(new Set(['cloudflare-dns.com']));

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
