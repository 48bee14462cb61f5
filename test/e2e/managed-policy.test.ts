// Organisation settings end to end: a real Chromium policy file in
// /etc/chromium/policies/managed/ (toolchain.md "Managed storage": written BEFORE the browser
// starts, since the first storage.managed read happens at start; it affects every Chromium on the
// machine, so it is removed in a finally; writing there needs root, as CI has). The test build of
// the extension (same key, so the same ID the policy names) runs the Gmail-like app, and the test
// asserts what a person sees: the inline badge, the popup and the options page.
//
// The two default resolver names go to two different DoH servers (both answering the scenario
// zone): the policy names only dns.google, so cloudflare-dns.com's server must get no query at
// all. Internal, required and skipped domains are not in the zone and must never be queried.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { issueCertificate } from '../support/ca.ts';
import { launchChromium } from '../support/chromium.ts';
import { startDohServer, type DohServer } from '../support/doh-server.ts';
import { scenarioZone, startWorld } from '../support/world.ts';
import {
  CHROME_TEST_BUILD, GMAIL_APP_DIR, harnessOf, installChromiumPolicy, openGmail, openPopup, popupRecipients, readInlineBadge, requireBuild, typeRecipient,
  type ChromiumPolicy, type GmailPage, type Harness,
} from './helpers.ts';

const EXTENSION_ID = readFileSync('keys/EXTENSION_ID.txt', 'utf8').trim();
/** This suite's loopback address: 127.0.0.50 (e2e suites use their own, see world.ts). */
const LOOPBACK = 50;

const MANAGED = {
  resolvers: ['https://dns.google/dns-query'],
  internalDomains: ['*.intranet.test'],
  requiredTlsDomains: ['partner.test'],
  skipDomains: ['secret.test'],
  policyCache: 'memory',
  orgName: 'Example Org',
  helpUrl: 'https://help.example.org/intransit',
};

let policy: ChromiumPolicy | undefined;
let h: Harness;
let decoy: DohServer;
let gmail: GmailPage;

beforeAll(async () => {
  requireBuild(CHROME_TEST_BUILD);
  policy = installChromiumPolicy('intransit-e2e-managed-policy', EXTENSION_ID, MANAGED);
  try {
    const world = await startWorld({ loopback: LOOPBACK });
    world.hosts.set('mail.google.com', { static: GMAIL_APP_DIR });
    const decoyCert = await issueCertificate(world.ca, { dnsNames: ['cloudflare-dns.com'], ipAddresses: [world.ip] });
    decoy = await startDohServer({ zone: scenarioZone(world.ip), tls: decoyCert, host: world.ip });
    const browser = await launchChromium({
      ca: world.ca,
      extensionDir: CHROME_TEST_BUILD,
      hostRules: {
        'mail.google.com': `${world.ip}:443`,
        'mta-sts.*': `${world.ip}:443`,
        'dns.google': `${world.ip}:${new URL(world.doh.url).port}`,
        'cloudflare-dns.com': `${world.ip}:${decoy.port}`,
      },
    });
    h = harnessOf(world, browser, { who: 'managed-policy e2e', closesWorld: true, expectedId: EXTENSION_ID });
    gmail = await openGmail(h, 'composes=1');
  } catch (error) {
    policy?.remove();
    await decoy?.close();
    throw error;
  }
});

afterAll(async () => {
  try {
    await h?.close();
    await decoy?.close();
  } finally {
    policy?.remove();
  }
});

const asked = (name: string) => h.world.doh.queries.some((q) => q.name === name || q.name.endsWith(`.${name}`));

async function withPage<T>(open: () => Promise<Page>, read: (page: Page) => Promise<T>): Promise<T> {
  const page = await open();
  try {
    return await read(page);
  } finally {
    await page.close();
  }
}

describe('managed policy in real Chromium', () => {
  it('applies the managed lists and resolver in the inline badge: nothing listed is looked up, only dns.google is asked', async () => {
    await gmail.page.getByTestId('to-input-1').focus();
    for (const address of ['ann@enforce.test', 'ivan@hr.intranet.test', 'pat@partner.test', 'sam@secret.test']) {
      await typeRecipient(gmail, '1', address);
    }
    // Protected, internal and required are all good; skipped does not count toward the headline.
    await expect.poll(() => readInlineBadge(gmail, '1'), { timeout: 20_000 })
      .toMatchObject({ level: 'protected', tone: 'good', text: 'InTransit Protected' });
    expect(asked('enforce.test')).toBe(true);
    for (const listed of ['intranet.test', 'partner.test', 'secret.test']) expect(asked(listed), listed).toBe(false);
    expect(decoy.queries).toEqual([]);
  });

  it('keeps the fetched MTA-STS policy in memory only when the organisation sets policyCache to memory', async () => {
    const keys = await h.sw.evaluate(async () => {
      const { storage } = (globalThis as unknown as { chrome: { storage: Record<'local' | 'session', { get(k: null): Promise<Record<string, unknown>> }> } }).chrome;
      return { local: Object.keys(await storage.local.get(null)), session: Object.keys(await storage.session.get(null)) };
    });
    expect(keys.local.filter((k) => k.startsWith('mtasts:'))).toEqual([]);
    expect(keys.session).toContain('mtasts:enforce.test');
  });

  it('shows the levels, the organisation and its help page in the popup', async () => {
    const [recipients, org, help] = await withPage(() => openPopup(h, gmail), async (popup) => Promise.all([
      popupRecipients(popup),
      popup.getByTestId('org-help').locator('.org-name').textContent(),
      popup.getByRole('link', { name: 'Help from Example Org' }).getAttribute('href'),
    ]));
    expect(recipients).toEqual([
      { address: 'ann@enforce.test', level: 'Protected' },
      { address: 'pat@partner.test', level: 'TLS required' },
      { address: 'ivan@hr.intranet.test', level: 'Internal' },
      { address: 'sam@secret.test', level: 'Skipped' },
    ]);
    expect(org).toBe('Set up by Example Org');
    expect(help).toBe(MANAGED.helpUrl);
  });

  it('shows the managed settings locked on the options page, and the others editable', async () => {
    const optionsUrl = `chrome-extension://${h.extensionId}/src/options/index.html`;
    const seen = await withPage(async () => {
      const page = await h.browser.context.newPage();
      await page.goto(optionsUrl);
      await page.getByRole('heading', { level: 1, name: 'InTransit settings' }).waitFor();
      return page;
    }, async (page) => {
      const section = (name: string) => page.getByRole('region', { name, exact: true });
      const out: Record<string, { locked: boolean; value: string; disabled: boolean }> = {};
      for (const [name, field] of [
        ['DNS resolvers', 'textarea'], ['Internal domains', 'textarea'], ['TLS-required domains', 'textarea'],
        ['Domains to skip', 'textarea'], ['Organisation name', 'input'], ['When to warn', 'select'],
        ['Where fetched policies are kept', 'input:checked'],
      ] as const) {
        const s = section(name);
        const control = s.locator(field);
        out[name] = {
          locked: (await s.getByText('🔒 Set by your organisation').count()) === 1,
          value: await control.inputValue(),
          disabled: await control.isDisabled(),
        };
      }
      expect(await page.getByText('Example Org manages some of these settings.').count()).toBe(1);
      expect(await page.getByRole('region', { name: 'Settings that were ignored' }).count()).toBe(0);
      return out;
    });
    expect(seen).toEqual({
      'DNS resolvers': { locked: true, value: 'https://dns.google/dns-query', disabled: true },
      'Internal domains': { locked: true, value: '*.intranet.test', disabled: true },
      'TLS-required domains': { locked: true, value: 'partner.test', disabled: true },
      'Domains to skip': { locked: true, value: 'secret.test', disabled: true },
      'Organisation name': { locked: true, value: 'Example Org', disabled: true },
      'When to warn': { locked: false, value: 'unverified', disabled: false },
      'Where fetched policies are kept': { locked: true, value: 'memory', disabled: true },
    });
  });

  it('applies a changed policy file live: a domain taken off the skip list is looked up at once', async () => {
    policy!.update({ ...MANAGED, skipDomains: [] });
    // Chromium notices the changed file after about 5 s and fires storage.onChanged (managed).
    await expect.poll(() => readInlineBadge(gmail, '1'), { timeout: 30_000, interval: 500 })
      .toMatchObject({ level: 'undeliverable', text: 'InTransit sam@secret.test: does not accept mail' });
    expect(asked('secret.test')).toBe(true);
    expect(decoy.queries).toEqual([]);
  });
});
