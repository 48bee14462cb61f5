// Proves the e2e infrastructure in real Chromium: the NSS-trusted test CA, host-resolver rules
// pointing real names at the local SNI server, extension loading, and the worker-restart helper.
// Uses dist/chrome when it has been built, else a tiny throwaway MV3 extension.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTestCa } from '../support/ca.ts';
import { gotoExpectingError, launchChromium, type ChromiumSession } from '../support/chromium.ts';
import { startHttpsHosts, type HttpsHosts } from '../support/https-hosts.ts';
import { makeTempDir } from '../support/tmp.ts';

const BUILT_EXTENSION = resolve('dist/chrome');

/** The slice of the extension API these checks touch (no @types/chrome in the project). */
type WithChrome = typeof globalThis & { chrome: { runtime: { id: string; sendMessage(message: unknown): Promise<unknown> } } };
type WithMarker = typeof globalThis & { smokeMarker?: number };

function throwawayExtension(): string {
  const dir = makeTempDir('ext-');
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({
    manifest_version: 3,
    name: 'InTransit e2e smoke',
    version: '1.0',
    background: { service_worker: 'sw.js' },
  }));
  // A runtime.onMessage listener, so that a message wakes the stopped worker (as in the product).
  writeFileSync(join(dir, 'sw.js'), 'chrome.runtime.onMessage.addListener((message, sender, reply) => { reply("pong"); });\n');
  return dir;
}

let hosts: HttpsHosts;
let browser: ChromiumSession;
const extensionDir = existsSync(join(BUILT_EXTENSION, 'manifest.json')) ? BUILT_EXTENSION : throwawayExtension();

beforeAll(async () => {
  const ca = await createTestCa();
  const site = makeTempDir('webmail-');
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>Fixture inbox</title><p id="ok">served locally</p>');
  hosts = await startHttpsHosts({
    ca,
    hosts: {
      'mail.google.com': { static: site, csp: "script-src 'self'; object-src 'none'" },
      'untrusted.example.test': { body: 'should not load', cert: 'other-ca' },
      'wrong-name.example.test': { body: 'should not load', cert: 'wrong-name' },
      'expired.example.test': { body: 'should not load', cert: 'expired' },
      'fine.example.test': { body: 'loads' },
    },
  });
  browser = await launchChromium({
    ca,
    extensionDir,
    hostRules: { 'mail.google.com': hosts.port, '*.example.test': hosts.port },
  });
});

afterAll(async () => {
  await browser?.close();
  await hosts?.close();
});

describe('Chromium e2e infrastructure', () => {
  it('loads https://mail.google.com/ from the local server, trusting the test CA through NSS', async () => {
    const page = await browser.context.newPage();
    const response = await page.goto('https://mail.google.com/');
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe("script-src 'self'; object-src 'none'");
    expect(await page.title()).toBe('Fixture inbox');
    expect(await page.textContent('#ok')).toBe('served locally');
    expect(hosts.requests.some((r) => r.host === 'mail.google.com' && r.sni === 'mail.google.com')).toBe(true);
    await page.close();
  });

  it('refuses a page whose certificate comes from another CA', async () => {
    const page = await browser.context.newPage();
    expect(await gotoExpectingError(page, 'https://untrusted.example.test/')).toBe('ERR_CERT_AUTHORITY_INVALID');
    await page.close();
  });

  it('fails fetches to hosts with another CA, a wrong name or an expired certificate', async () => {
    const page = await browser.context.newPage();
    await page.goto('https://mail.google.com/');
    // no-cors: a host that answers gives an opaque response; a TLS failure rejects (TypeError).
    const outcomes = await page.evaluate(async (hosts) => Promise.all(hosts.map((host) =>
      fetch(`https://${host}/`, { mode: 'no-cors' }).then((r) => r.type, (e: unknown) => (e as Error).name))),
    ['fine.example.test', 'untrusted.example.test', 'wrong-name.example.test', 'expired.example.test']);
    expect(outcomes).toEqual(['opaque', 'TypeError', 'TypeError', 'TypeError']);
    await page.close();
  });

  it('keeps every other name off the network', async () => {
    const page = await browser.context.newPage();
    await expect(page.goto('https://www.example.com/')).rejects.toThrow(/ERR_NAME_NOT_RESOLVED/);
    await page.close();
  });

  it('starts the extension service worker and derives the extension ID from it', async () => {
    expect(browser.extensionId).toMatch(/^[a-p]{32}$/);
    expect(browser.serviceWorker?.url()).toMatch(new RegExp(`^chrome-extension://${browser.extensionId}/`));
    expect(await browser.serviceWorker?.evaluate(() => (globalThis as WithChrome).chrome.runtime.id)).toBe(browser.extensionId);
  });

  it('restarts the service worker: its global state is gone afterwards', async () => {
    const worker = browser.serviceWorker;
    if (!worker) throw new Error('no service worker');
    await worker.evaluate(() => { (globalThis as WithMarker).smokeMarker = 42; });
    expect(await worker.evaluate(() => (globalThis as WithMarker).smokeMarker)).toBe(42);
    const restarted = await browser.restartServiceWorker();
    expect(await browser.serviceWorkerStatus()).toBe('running');
    expect(await restarted.evaluate(() => (globalThis as WithMarker).smokeMarker)).toBeUndefined();
  });

  it('stops the service worker; a message from an extension page wakes it again', async () => {
    await browser.serviceWorker?.evaluate(() => { (globalThis as WithMarker).smokeMarker = 7; });
    await browser.stopServiceWorker();
    expect(await browser.serviceWorkerStatus()).toBe('stopped');
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/manifest.json`);
    // runtime.sendMessage is an extension event: Chromium starts the worker to deliver it.
    await page.evaluate(() => (globalThis as WithChrome).chrome.runtime.sendMessage({ type: 'smoke-ping' }).catch(() => undefined));
    await browser.waitForServiceWorkerRunning();
    expect(await browser.serviceWorker?.evaluate(() => (globalThis as WithMarker).smokeMarker)).toBeUndefined();
    await page.close();
  });
});
