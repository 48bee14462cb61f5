// The shipped Firefox build (dist/firefox) with Yahoo Mail, end to end in real Firefox ESR over
// WebDriver BiDi (the pattern of firefox.test.ts). Every host name resolves to this suite's
// loopback address, where one HTTPS server serves the Yahoo-like app as mail.yahoo.com and hands
// cloudflare-dns.com to the world's DoH server. No policy-fetch permission (optional in the
// shipped build): lookups go through DNS only. The badge keeps everything it shows inside a closed
// shadow root, which neither the page nor WebDriver BiDi can enter (and BiDi may not open the
// extension's own pages), so this suite asserts what Firefox lets a test see: the content script
// runs in Yahoo Mail and mounts a badge in each compose (new message and inline reply), and the
// background receives each compose's recipients and looks up exactly their domains, through the
// default resolver, with no policy fetched. What the badges then show is asserted in Chromium
// (yahoo.test.ts) from the same content script and background.
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
const LOOKUP_TIMEOUT_MS = 20_000;

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

async function addRecipient(page: Page, composeId: string, address: string): Promise<void> {
  await page.type(`[data-testid="to-input-${composeId}"]`, address);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`[data-testid="compose-${composeId}"] [data-testid="pill-${address}"]`);
}

describe('Firefox: the shipped build in Yahoo Mail', () => {
  it('mounts a badge in the new message and in the inline reply, and looks up exactly their recipients\' domains', async () => {
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

      // The reply is pre-filled with sam@plain.test; the user adds a recipient to the new message.
      await addRecipient(page, '1', 'friend@enforce.test');
      // Both composes' recipients reached the background, which looked their domains up.
      const asked = () => new Set(world.doh.queries.map((q) => `${q.name} ${q.type}`));
      await expect.poll(() => [...asked()].filter((q) => /^(enforce|plain)\.test MX$/.test(q)).sort(), { timeout: LOOKUP_TIMEOUT_MS, interval: 200 })
        .toEqual(['enforce.test MX', 'plain.test MX']);
      expect([...asked()]).toEqual(expect.arrayContaining(['_mta-sts.enforce.test TXT', '_mta-sts.plain.test TXT']));
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
