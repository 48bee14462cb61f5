// The organisation's lookup service end to end in real Chromium (docs/lookup-service.md): the
// SHIPPED build (dist/chrome: the optional "all sites" permission not granted, as on every
// force-installed seat), a real Chromium policy file that sets `lookupService` (URL + token), and
// a real `intransit serve` process started from the built CLI, over HTTPS with a certificate of
// the test CA, requiring the token.
//
// Two sets of DNS are kept apart: the service resolves through its own resolver URL, the world's
// DoH server by IP; the public resolvers' names the extension would use (cloudflare-dns.com,
// dns.google) go to a second DoH server, which must never be asked anything.
//
// Local Network Access (Chromium's gate on requests from public pages to private and loopback
// addresses): the Gmail page is given the public address space and the service the private one
// (`local`), as in production, with Chromium's own --ip-address-space-overrides. The extension
// reaches the service without any host permission for it (ordinary CORS, no prompt), while the
// Gmail page itself cannot (docs/lookup-service.md "Local Network Access").
//
// Addresses: 127.0.0.110 (world: Gmail, policy hosts, both DoH servers), 127.0.0.111 (service).
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate } from '../support/ca.ts';
import { launchChromium } from '../support/chromium.ts';
import { startDohServer, type DohServer } from '../support/doh-server.ts';
import { createNodeHttpsFetch } from '../support/node-https-fetch.ts';
import { scenarioZone, startWorld, type World } from '../support/world.ts';
import {
  activeComposeSection, CHROME_BUILD, GMAIL_APP_DIR, harnessOf, installChromiumPolicy, openGmail, openPopup, pasteRecipients, popupRecipients,
  readActionBadge, readInlineBadge, requireBuild, startLookupService, typeRecipient, type GmailPage, type Harness, type LookupServiceProcess,
  type ChromiumPolicy,
} from './helpers.ts';

const EXTENSION_ID = readFileSync('keys/EXTENSION_ID.txt', 'utf8').trim();
const WORLD_LOOPBACK = 110;
const SERVICE_IP = '127.0.0.111';
const SERVICE_NAME = 'intransit.example.org';
const TOKEN = 'e2e-organisation-token-0123456789';
const VERDICT_TIMEOUT_MS = 20_000;

type WithChrome = typeof globalThis & { chrome: { permissions: { contains(p: { origins: string[] }): Promise<boolean> } } };

let world: World;
let publicResolvers: DohServer;
let service: LookupServiceProcess;
let policy: ChromiumPolicy | undefined;
let h: Harness;
let gmail: GmailPage;

beforeAll(async () => {
  requireBuild(CHROME_BUILD);
  world = await startWorld({ loopback: WORLD_LOOPBACK });
  try {
    world.hosts.set('mail.google.com', { static: GMAIL_APP_DIR });
    const resolverCert = await issueCertificate(world.ca, { dnsNames: ['cloudflare-dns.com', 'dns.google'], ipAddresses: [world.ip] });
    publicResolvers = await startDohServer({ zone: scenarioZone(world.ip), tls: resolverCert, host: world.ip });
    const serviceCert = await issueCertificate(world.ca, { dnsNames: [SERVICE_NAME], ipAddresses: [SERVICE_IP] });
    // No orgName in the policy: "Checked by …" must take the name the service gives itself.
    service = await startLookupService({ world, host: SERVICE_IP, cert: serviceCert, name: 'Example Org', token: TOKEN });
    policy = installChromiumPolicy('intransit-e2e-lookup-service', EXTENSION_ID, { lookupService: { url: `https://${SERVICE_NAME}`, token: TOKEN } });
    const browser = await launchChromium({
      ca: world.ca,
      extensionDir: CHROME_BUILD,
      hostRules: {
        'mail.google.com': `${world.ip}:443`,
        'mta-sts.*': `${world.ip}:443`,
        'cloudflare-dns.com': `${world.ip}:${publicResolvers.port}`,
        'dns.google': `${world.ip}:${publicResolvers.port}`,
        [SERVICE_NAME]: `${SERVICE_IP}:${service.port}`,
      },
      // The webmail is a public site; the organisation's service sits on a private address.
      args: [`--ip-address-space-overrides=${world.ip}:443=public,${SERVICE_IP}:${service.port}=local`],
    });
    h = harnessOf(world, browser, { who: 'lookup-service e2e', closesWorld: false, expectedId: EXTENSION_ID });
    gmail = await openGmail(h, 'composes=2');
  } catch (error) {
    await h?.close();
    policy?.remove();
    await service?.stop();
    await publicResolvers?.close();
    await world.close();
    throw error;
  }
});

afterAll(async () => {
  try {
    await h?.close();
    await service?.stop();
    await publicResolvers?.close();
    await world?.close();
  } finally {
    policy?.remove();
  }
});

async function withPage<T>(open: () => Promise<Page>, read: (page: Page) => Promise<T>): Promise<T> {
  const page = await open();
  try {
    return await read(page);
  } finally {
    await page.close();
  }
}

/** Names the public resolvers were asked about, and every name the service's resolver was asked under `domain`. */
const publicQueries = () => publicResolvers.queries.map((q) => q.name);
const serviceAsked = (domain: string) => world.doh.queries.filter((q) => q.name === domain || q.name.endsWith(`.${domain}`)).length;
const posts = () => service.requests('/v1/assess').filter((r) => r.method === 'POST');

describe('the organisation\'s lookup service in real Chromium (shipped build, managed policy)', () => {
  it('runs with no permission for policy files and none for the service\'s origin', async () => {
    const has = (origin: string) => h.sw.evaluate((o) => (globalThis as WithChrome).chrome.permissions.contains({ origins: [o] }), origin);
    expect(await has('https://*/*')).toBe(false);
    expect(await has(`https://${SERVICE_NAME}/*`)).toBe(false);
  });

  it('shows enforce.test as protected — the policy checked by the service — and asks the public resolvers nothing', async () => {
    await gmail.page.getByTestId('to-input-1').focus();
    await typeRecipient(gmail, '1', 'ann@enforce.test');
    await expect.poll(() => readInlineBadge(gmail, '1'), { timeout: VERDICT_TIMEOUT_MS })
      .toMatchObject({ level: 'protected', tone: 'good', text: 'InTransit Protected', allow: false });
    await expect.poll(() => readActionBadge(h, gmail.tabId)).toEqual({ text: '✓', title: 'InTransit — Protected' });

    // The service did the work: its resolver was asked, and it read the policy file.
    expect(serviceAsked('enforce.test')).toBeGreaterThan(0);
    expect(world.hosts.requests.filter((r) => r.sni === 'mta-sts.enforce.test' && r.path === '/.well-known/mta-sts.txt')).toHaveLength(1);
    // The extension's request was a CORS request from its origin, allowed by the service's gate
    // (a preflight, then the POST), with the token (a wrong or missing one would be a 401).
    expect(service.requests('/v1/assess').map((r) => `${r.method} ${r.status}`)).toEqual(expect.arrayContaining(['OPTIONS 204', 'POST 200']));
    expect(service.requests('/v1/assess').every((r) => r.status === 204 || r.status === 200)).toBe(true);
    // Nothing reached the public resolvers' names: no DoH from the browser while a service is set.
    expect(publicQueries()).toEqual([]);
  });

  it('sends the domains of recipients that arrive together in one request, and never an address', async () => {
    const before = posts().length;
    await pasteRecipients(gmail, '2', ['cat@plain.test', 'dan@testing.test', 'eve@nullmx.test']);
    await expect.poll(() => readInlineBadge(gmail, '2'), { timeout: VERDICT_TIMEOUT_MS })
      .toMatchObject({ level: 'undeliverable', text: 'InTransit eve@nullmx.test: does not accept mail (+1 more)' });
    const added = posts().slice(before);
    expect(added.map((r) => r.domains)).toEqual([3]);
    // The service refuses anything with '@' (400 address-not-accepted): every POST was a 200.
    expect(posts().every((r) => r.status === 200)).toBe(true);
    expect(publicQueries()).toEqual([]);
  });

  it('says in the popup who checked, with the service\'s evidence in the details, and no "policy not checked"', async () => {
    await gmail.page.getByTestId('to-input-1').focus();
    await withPage(() => openPopup(h, gmail), async (popup) => {
      expect(await popupRecipients(popup)).toEqual([{ address: 'ann@enforce.test', level: 'Protected' }]);
      expect(await popup.getByTestId('checked-by').textContent()).toBe("Checked by Example Org's lookup service");
      expect(await popup.getByRole('note').count()).toBe(0);
      await activeComposeSection(popup).getByRole('button', { name: 'Details for ann@enforce.test' }).click();
      const details = await activeComposeSection(popup).locator('.evidence').textContent();
      // The service's evidence, shown as for a check made here: the policy it fetched and matched.
      expect(details).toContain('PolicyfetchedModeenforce');
      expect(details).toContain('mx1.enforce.test — matches policy pattern *.enforce.test');
    });
  });

  it('shows the connection and the lock on the options page, with resolvers and policy fetching handled by the service', async () => {
    await withPage(async () => {
      const page = await h.browser.context.newPage();
      await page.goto(`chrome-extension://${h.extensionId}/src/options/index.html`);
      await page.getByRole('heading', { level: 1, name: 'InTransit settings' }).waitFor();
      return page;
    }, async (page) => {
      const section = page.getByRole('region', { name: "Organisation's lookup service", exact: true });
      await expect.poll(() => section.locator('#lookupService-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('connected');
      expect(await section.getByText(`✓ Connected to Example Org's lookup service at ${SERVICE_NAME}.`).count()).toBe(1);
      expect(await section.getByText(/^API intransit-lookup\/1, service engine \S+, this extension \S+\.$/).count()).toBe(1);
      expect(await section.getByText('🔒 Set by your organisation').count()).toBe(1);
      expect(await section.getByLabel('Service URL (https://…)').inputValue()).toBe(`https://${SERVICE_NAME}`);
      expect(await section.getByLabel('Service URL (https://…)').isDisabled()).toBe(true);
      expect(await page.getByTestId('handled-by-service').count()).toBe(2);
    });
    expect(service.requests('/v1/info').map((r) => `${r.method} ${r.status}`)).toContain('GET 200');
  });

  it('is out of reach of the webmail page itself (Local Network Access), while the extension reached it', async () => {
    const seen = service.logs.length;
    const outcome = await gmail.page.evaluate(async (url) => {
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'X-InTransit-Client': 'page/1' }, body: '{"domains":["enforce.test"]}' });
        return `answered ${res.status}`;
      } catch (error) {
        return `failed: ${String(error)}`;
      }
    }, `https://${SERVICE_NAME}/v1/assess`);
    expect(outcome).toMatch(/^failed: TypeError/);
    // A barrier: a request of our own, logged after anything the page might have sent.
    const fetch = createNodeHttpsFetch({ ca: world.ca.certPem });
    expect((await fetch(`${service.url}/v1/ready`)).status).toBe(200);
    await expect.poll(() => service.logs.slice(seen).some((l) => l.path === '/v1/ready')).toBe(true);
    // Chromium never sent the page's request (not even the preflight the gate would refuse).
    expect(service.logs.slice(seen).filter((l) => l.event === 'request').map((l) => l.path)).toEqual(['/v1/ready']);
  });

  it('with the service stopped: "could not check" with the service\'s reason, and still nothing to the public resolvers', async () => {
    // Graceful stop (SIGTERM). It may take the service's 10 s grace: Chromium can hold a connection
    // open without a request in it, which the service closes only when the grace ends.
    expect(await service.stop()).toBe(0);
    const askedBefore = world.doh.queries.length;
    await gmail.page.getByTestId('to-input-1').focus();
    // A domain not checked before (nothing cached): mismatch.test.
    await typeRecipient(gmail, '1', 'fay@mismatch.test');
    await expect.poll(() => readInlineBadge(gmail, '1'), { timeout: VERDICT_TIMEOUT_MS })
      .toMatchObject({ level: 'unknown', text: 'InTransit fay@mismatch.test: could not check' });
    await withPage(() => openPopup(h, gmail), async (popup) => {
      const item = activeComposeSection(popup).locator('li.recipient', { hasText: 'fay@mismatch.test' });
      expect(await item.locator('.level').textContent()).toBe('Could not check');
      expect(await item.locator('.reason').textContent()).toBe("Your organisation's lookup service could not be reached.");
    });
    // No fallback: neither the public resolvers' names nor any other resolver were asked.
    expect(publicQueries()).toEqual([]);
    expect(world.doh.queries.length).toBe(askedBefore);
  });
});
