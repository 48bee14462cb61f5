// The shipped Firefox build (dist/firefox) end to end in real Firefox ESR, driven by puppeteer-core
// over WebDriver BiDi (toolchain.md "Firefox"). Every host name resolves to this suite's loopback
// address, where one HTTPS server on port 443 serves the Gmail-like app as mail.google.com and
// hands cloudflare-dns.com (the extension's default DoH resolver) to the world's DoH server.
// No policy-fetch permission is granted (it is optional in the shipped build), so verdicts come
// from DNS alone: plain.test (MX, no MTA-STS) → unverified; enforce.test (MTA-STS record, policy
// not fetched) → encrypted.
//
// The badge keeps all its state in a CLOSED shadow root, and Firefox over BiDi offers no way into
// it (no CDP accessibility snapshot; the BiDi accessibility locator does not enter closed roots;
// extension pages cannot be opened over BiDi); the page sees only the host element and where it
// is mounted. So the verdicts are read as a person sees them: the colour of each badge in a
// screenshot — amber for "no protection published", the calm blue-grey for "likely encrypted"
// (src/content/badge.ts), neither of which a badge shows before a verdict arrives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launchFirefox, type FirefoxSession } from '../support/firefox.ts';
import { pixelAt, readPng } from '../support/png.ts';
import { POLICY_PATH, startWorld, type World } from '../support/world.ts';

const FIREFOX_BUILD = resolve('dist/firefox');
const GMAIL_APP = resolve('test/fixtures/gmail-app');
/** 127.0.0.61: this suite's own address for port 443 (others use 11, 12, 40). */
const LOOPBACK = 61;
const VERDICT_TIMEOUT_MS = 20_000;
/** Badge backgrounds by tone (src/content/badge.ts, light page). */
const TONE = { caution: '#fef7e0', calm: '#e4ecf5' } as const;

interface FirefoxManifest {
  background?: { scripts?: string[]; service_worker?: string };
  browser_specific_settings?: { gecko?: { id?: string } };
  host_permissions?: string[];
  optional_host_permissions?: string[];
}

let world: World;
let firefox: FirefoxSession | undefined;
let manifest: FirefoxManifest;

beforeAll(async () => {
  const manifestFile = join(FIREFOX_BUILD, 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error('dist/firefox is missing: run `npm run build` first');
  manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as FirefoxManifest;
  world = await startWorld({ loopback: LOOPBACK });
  world.hosts.set('mail.google.com', { static: GMAIL_APP });
  world.hosts.set('cloudflare-dns.com', { handler: (req, res) => world.doh.handle(req, res) });
  firefox = await launchFirefox({ ca: world.ca, resolveAllTo: world.ip, extensionDir: FIREFOX_BUILD });
});

afterAll(async () => {
  await firefox?.close();
  await world?.close();
});

/** The attributes of each compose's badge host as the page sees them (undefined: no badge). */
function hostAttributes(page: Page, composeIds: string[]): Promise<Record<string, string[] | undefined>> {
  return page.evaluate((ids) => Object.fromEntries(ids.map((id) => {
    const host = document.querySelector(`[data-testid="compose-${id}"] [data-intransit="badge"]`);
    return [id, host === null ? undefined : [...host.attributes].map((a) => a.name)];
  })), composeIds);
}

/** The background colour of each compose's badge bar, as a screenshot shows it. */
async function badgeColours(page: Page, composeIds: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of composeIds) {
    const host = await page.$(`[data-testid="compose-${id}"] [data-intransit="badge"]`);
    if (host === null) throw new Error(`no badge in compose ${id}`);
    const shot = await host.screenshot({ type: 'png' });
    // Left padding of the bar, mid-height: background only (the glyph starts at 8 px).
    out[id] = pixelAt(readPng(shot), 3, 12);
  }
  return out;
}

async function addRecipient(page: Page, composeId: string, address: string): Promise<void> {
  await page.type(`[data-testid="to-input-${composeId}"]`, address);
  await page.keyboard.press('Enter');
  // The app turns the text into a chip asynchronously (like Gmail).
  await page.waitForSelector(`[data-testid="compose-${composeId}"] [role="option"][data-hovercard-id="${address}"]`);
}

describe('Firefox: the shipped build end to end', () => {
  it('is installed as a temporary add-on under its gecko id, with an event-page background', () => {
    expect(manifest.background?.scripts?.length).toBeGreaterThan(0);
    expect(manifest.background?.service_worker).toBeUndefined();
    expect(manifest.optional_host_permissions).toEqual(['https://*/*']);
    expect(firefox?.extensionId).toBe(manifest.browser_specific_settings?.gecko?.id);
  });

  it('mounts a badge in each Gmail compose and shows the background\'s verdicts from DNS', async () => {
    if (!firefox) throw new Error('Firefox did not start');
    const page = await firefox.browser.newPage();
    try {
      // Wide enough for both 500 px compose windows side by side.
      await page.setViewport({ width: 1600, height: 900 });
      const response = await page.goto('https://mail.google.com/?composes=2');
      expect(response?.status()).toBe(200);
      await page.waitForSelector('html[data-app-ready="true"]');

      // The content script (Gmail adapter) mounts one badge per compose, right before the subject row.
      await page.waitForSelector('[data-testid="compose-2"] [data-intransit="badge"]');
      const placement = await page.$$eval('[data-intransit="badge"]', (hosts) => hosts.map((host) => ({
        compose: host.closest('[data-testid^="compose-"]')?.getAttribute('data-testid'),
        nextIsSubjectRow: host.nextElementSibling?.matches('.aoD.az6') === true,
        // Closed shadow root: the page cannot read the badge's content.
        shadowRoot: host.shadowRoot,
      })));
      expect(placement).toEqual([
        { compose: 'compose-1', nextIsSubjectRow: true, shadowRoot: null },
        { compose: 'compose-2', nextIsSubjectRow: true, shadowRoot: null },
      ]);
      await addRecipient(page, '1', 'someone@plain.test');
      await addRecipient(page, '2', 'friend@enforce.test');
      const expected = { 1: TONE.caution, 2: TONE.calm };
      // Wait for the verdicts; on timeout fall through so the assertion shows what was there.
      const deadline = Date.now() + VERDICT_TIMEOUT_MS;
      let seen = await badgeColours(page, ['1', '2']);
      while (JSON.stringify(seen) !== JSON.stringify(expected) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        seen = await badgeColours(page, ['1', '2']);
      }
      expect(seen).toEqual(expected);
      // The badge's state stays inside its closed shadow root: the page sees no level on the host.
      expect(await hostAttributes(page, ['1', '2'])).toEqual({ 1: ['data-intransit'], 2: ['data-intransit'] });

      // The background asked the default resolver (cloudflare-dns.com over its host permission).
      const asked = world.doh.queries.map((q) => `${q.name} ${q.type}`);
      expect(asked).toEqual(expect.arrayContaining([
        'plain.test MX', '_mta-sts.plain.test TXT', 'mx.plain.test A',
        'enforce.test MX', '_mta-sts.enforce.test TXT',
      ]));
      const dohRequests = world.hosts.requests.filter((r) => r.path.startsWith('/dns-query'));
      expect(dohRequests.length).toBeGreaterThan(0);
      expect(new Set(dohRequests.map((r) => r.sni))).toEqual(new Set(['cloudflare-dns.com']));
      // The policy-fetch permission is optional and not granted: no policy was fetched.
      expect(world.hosts.requests.filter((r) => r.path.startsWith(POLICY_PATH))).toEqual([]);
    } finally {
      await page.close().catch(() => {});
    }
  });
});
