// The organisation's lookup service in real Firefox ESR over WebDriver BiDi (the pattern of
// firefox.test.ts): the shipped build (dist/firefox, no optional permission), `lookupService` set
// through Firefox's enterprise policies — a policies.json in the distribution directory with
// "3rdparty" → "Extensions" → "intransit@intransit.dev", read by Firefox at start (written
// before the launch, removed in a finally; it needs root, as CI has) — and a real
// `intransit serve` over HTTPS with a token.
//
// What it shows: Firefox's per-install moz-extension:// origin passes the service's origin gate
// (the service logs the CORS preflight answered 204, then the POST: only a browser origin the
// gate allows gets that far) and the verdicts come from the service. Read as a person sees them:
// each badge's colour in a screenshot (the badge's state stays in a closed shadow root).
// enforce.test is green (protected, the policy read by the service) where the shipped build
// alone says calm blue-grey (likely encrypted, policy not checked). With the service stopped a
// new recipient is amber (could not check), not what a DoH fallback would say.
//
// Every name resolves to 127.0.0.112 (network.dns.forceResolve): the Gmail-like app, the
// policy hosts and the service (its own port). The public resolvers' names, were they asked,
// would reach this address's port 443 as well, where each request is logged with its SNI.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GECKO_ID } from '../../manifest.config.ts';
import { issueCertificate } from '../support/ca.ts';
import { launchFirefox, type FirefoxSession } from '../support/firefox.ts';
import { pixelAt, readPng } from '../support/png.ts';
import { POLICY_PATH, startWorld, type World } from '../support/world.ts';
import { GMAIL_APP_DIR, startLookupService, type LookupServiceProcess } from './helpers.ts';

const FIREFOX_BUILD = resolve('dist/firefox');
/** Firefox ESR reads enterprise policies from here (Debian's firefox-esr). */
const POLICIES_FILE = '/usr/lib/firefox-esr/distribution/policies.json';
const LOOPBACK = 112;
const SERVICE_NAME = 'intransit.example.org';
const TOKEN = 'e2e-firefox-organisation-token-0123';
const VERDICT_TIMEOUT_MS = 20_000;
/** Badge backgrounds by tone (src/content/badge.ts, light page). */
const TONE = { good: '#e6f4ea', caution: '#fef7e0', calm: '#e4ecf5' } as const;
const PUBLIC_RESOLVERS = ['cloudflare-dns.com', 'dns.google'];

let world: World;
let service: LookupServiceProcess;
let firefox: FirefoxSession | undefined;
let policiesWritten = false;
let page: Page;

function removePolicies(): void {
  if (policiesWritten) rmSync(POLICIES_FILE, { force: true });
  policiesWritten = false;
}

beforeAll(async () => {
  if (!existsSync(join(FIREFOX_BUILD, 'manifest.json'))) throw new Error('dist/firefox is missing: run `npm run build` first');
  if (process.getuid?.() !== 0) throw new Error(`lookup-service Firefox e2e: writing ${POLICIES_FILE} needs root (CI runs as root).`);
  if (existsSync(POLICIES_FILE)) throw new Error(`${POLICIES_FILE} exists already (another run, or the machine's own policies): not overwriting it`);
  world = await startWorld({ loopback: LOOPBACK });
  try {
    world.hosts.set('mail.google.com', { static: GMAIL_APP_DIR });
    // Were the extension to fall back to its default resolvers, they would answer (and be logged).
    for (const name of PUBLIC_RESOLVERS) world.hosts.set(name, { handler: (req, res) => world.doh.handle(req, res) });
    const cert = await issueCertificate(world.ca, { dnsNames: [SERVICE_NAME], ipAddresses: [world.ip] });
    service = await startLookupService({ world, host: world.ip, cert, name: 'Example Org', token: TOKEN });
    writeFileSync(POLICIES_FILE, JSON.stringify({
      policies: { '3rdparty': { Extensions: { [GECKO_ID]: { lookupService: { url: `https://${SERVICE_NAME}:${service.port}`, token: TOKEN } } } } },
    }, null, 2));
    policiesWritten = true;
    firefox = await launchFirefox({ ca: world.ca, resolveAllTo: world.ip, extensionDir: FIREFOX_BUILD });
    page = await firefox.browser.newPage();
    await page.setViewport({ width: 1600, height: 900 });
    await page.goto('https://mail.google.com/?composes=2');
    await page.waitForSelector('html[data-app-ready="true"]');
    await page.waitForSelector('[data-testid="compose-2"] [data-intransit="badge"]');
  } catch (error) {
    await firefox?.close();
    removePolicies();
    await service?.stop();
    await world.close();
    throw error;
  }
});

afterAll(async () => {
  try {
    await firefox?.close();
    await service?.stop();
    await world?.close();
  } finally {
    removePolicies();
  }
});

/** The background colour of a compose's badge bar, as a screenshot shows it. */
async function badgeColour(composeId: string): Promise<string> {
  const host = await page.$(`[data-testid="compose-${composeId}"] [data-intransit="badge"]`);
  if (host === null) throw new Error(`no badge in compose ${composeId}`);
  // Left padding of the bar, mid-height: background only (the glyph starts at 8 px).
  return pixelAt(readPng(await host.screenshot({ type: 'png' })), 3, 12);
}

async function addRecipient(composeId: string, address: string): Promise<void> {
  await page.type(`[data-testid="to-input-${composeId}"]`, address);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`[data-testid="compose-${composeId}"] [role="option"][data-hovercard-id="${address}"]`);
}

/** Requests that reached the public resolvers' names (a fallback to DoH would show here). */
const publicResolverRequests = () => world.hosts.requests.filter((r) => r.sni !== undefined && PUBLIC_RESOLVERS.includes(r.sni));

describe('Firefox: the organisation\'s lookup service, set by enterprise policy', () => {
  it('lets the moz-extension origin through the service\'s gate and shows the service\'s verdict (enforce.test protected)', async () => {
    await addRecipient('1', 'friend@enforce.test');
    await expect.poll(() => badgeColour('1'), { timeout: VERDICT_TIMEOUT_MS, interval: 250 }).toBe(TONE.good);
    // A CORS request from a browser origin the gate allows: preflight 204, then the POST.
    const assess = service.requests('/v1/assess').map((r) => `${r.method} ${r.status}`);
    expect(assess).toContain('OPTIONS 204');
    expect(assess).toContain('POST 200');
    expect(assess.every((r) => r === 'OPTIONS 204' || r === 'POST 200')).toBe(true);
    // The service read the policy (the extension has no permission to); nothing went to the public resolvers.
    expect(world.hosts.requests.filter((r) => r.sni === 'mta-sts.enforce.test' && r.path === POLICY_PATH)).toHaveLength(1);
    expect(world.doh.queries.some((q) => q.name === '_mta-sts.enforce.test')).toBe(true);
    expect(publicResolverRequests()).toEqual([]);
  });

  it('with the service stopped: a new recipient could not be checked (amber), and nothing goes to the public resolvers', async () => {
    expect(await service.stop()).toBe(0);
    const asked = world.doh.queries.length;
    // testing.test from DNS alone would be "likely encrypted" (calm blue-grey).
    await addRecipient('2', 'someone@testing.test');
    await expect.poll(() => badgeColour('2'), { timeout: VERDICT_TIMEOUT_MS, interval: 250 }).toBe(TONE.caution);
    expect(publicResolverRequests()).toEqual([]);
    expect(world.doh.queries.length).toBe(asked);
    // The earlier verdict, cached for its expiresIn, still stands.
    expect(await badgeColour('1')).toBe(TONE.good);
    expect(readFileSync(POLICIES_FILE, 'utf8')).toContain(GECKO_ID);
  });
});
