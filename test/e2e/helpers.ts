// Shared harness of the Gmail end-to-end tests and the content-script benchmark: the local
// internet of test/support/world.ts (DoH server + mta-sts. policy hosts, test CA trusted through
// NSS) plus the Gmail-like app served as https://mail.google.com/, the built extension in real
// Chromium, and ways to read what a user sees: the inline badge (inside a CLOSED shadow root,
// read through CDP), the toolbar button's badge text and title, and the real popup.
import { existsSync, mkdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CDPSession, Locator, Page, Worker } from 'playwright-core';
import { launchChromium, type ChromiumSession } from '../support/chromium.ts';
import { spawnService } from '../support/service-process.ts';
import { makeTempDir, writeTempFile } from '../support/tmp.ts';
import { scenarioZone, startWorld, type World } from '../support/world.ts';

export const CHROME_BUILD = resolve('dist/chrome');
export const CHROME_TEST_BUILD = resolve('dist/chrome-test');
export const GMAIL_APP_DIR = resolve('test/fixtures/gmail-app');
export const POPUP_PATH = 'src/popup/index.html';

/** A webmail-like test app served as the webmail's real origin. */
export interface AppSite {
  host: string;
  dir: string;
  /** Content-Security-Policy header of every response (the app's own Trusted Types policy). */
  csp?: string;
  /** The app's scripting object on window (composeIds(), …). */
  global: string;
}

export const GMAIL_SITE: AppSite = { host: 'mail.google.com', dir: GMAIL_APP_DIR, global: 'gmailApp' };
/** As Outlook on the web: Trusted Types required, one policy allowed, `default`, which the app creates. */
export const OUTLOOK_SITE: AppSite = {
  host: 'outlook.office.com', dir: resolve('test/fixtures/outlook-app'), global: 'outlookApp',
  csp: "require-trusted-types-for 'script'; trusted-types default",
};
export const YAHOO_SITE: AppSite = { host: 'mail.yahoo.com', dir: resolve('test/fixtures/yahoo-app'), global: 'yahooApp' };

/** The slice of the extension API the tests call inside the service worker (no @types/chrome). */
interface ChromeApi {
  action: {
    getBadgeText(details: { tabId: number }): Promise<string>;
    getTitle(details: { tabId: number }): Promise<string>;
  };
  tabs: {
    query(info: { url?: string }): Promise<{ id?: number; url?: string; openerTabId?: number }[]>;
    get(tabId: number): Promise<{ windowId: number }>;
    create(info: { url: string; active: boolean; windowId: number }): Promise<unknown>;
  };
  permissions: { contains(p: { origins: string[] }): Promise<boolean> };
}
type WithChrome = typeof globalThis & { chrome: ChromeApi };

/** Fails with a message that says what to run, instead of a Chromium error about a missing dir. */
export function requireBuild(dir: string): string {
  if (!existsSync(join(dir, 'manifest.json'))) {
    const script = dir.endsWith('-test') ? 'npm run build:test' : 'npm run build';
    throw new Error(`No extension build in ${dir}: run \`${script}\` first (npm test builds both).`);
  }
  return dir;
}

export interface Harness {
  world: World;
  browser: ChromiumSession;
  extensionId: string;
  /** The extension's service worker; replaced by `restartServiceWorker()`. */
  sw: Worker;
  restartServiceWorker(): Promise<Worker>;
  close(): Promise<void>;
}

/**
 * Starts the world on 127.0.0.`loopback` (policy hosts and mail.google.com on port 443, the DoH
 * server on a random port of the same address) and Chromium with `extensionDir`. Chromium's own
 * name resolution is replaced by host-resolver rules: the default resolvers' names go to the DoH
 * server, every mta-sts. name and mail.google.com to the HTTPS hosts, everything else fails.
 */
export async function startHarness(options: { loopback: number; extensionDir: string; sites?: AppSite[]; args?: string[] }): Promise<Harness> {
  requireBuild(options.extensionDir);
  const world = await startWorld({ loopback: options.loopback });
  const sites = options.sites ?? [GMAIL_SITE];
  for (const site of sites) world.hosts.set(site.host, { static: site.dir, ...(site.csp ? { csp: site.csp } : {}) });
  const dohPort = new URL(world.doh.url).port;
  let browser: ChromiumSession;
  try {
    browser = await launchChromium({
      ca: world.ca,
      extensionDir: options.extensionDir,
      ...(options.args ? { args: options.args } : {}),
      hostRules: {
        ...Object.fromEntries(sites.map((site) => [site.host, `${world.ip}:443`])),
        'mta-sts.*': `${world.ip}:443`,
        'cloudflare-dns.com': `${world.ip}:${dohPort}`,
        'dns.google': `${world.ip}:${dohPort}`,
      },
    });
  } catch (error) {
    await world.close();
    throw error;
  }
  return harnessOf(world, browser, { who: 'startHarness', closesWorld: true });
}

/**
 * The Harness over a Chromium the caller launched (its own host rules or arguments). Checks that
 * the extension started, with the id `expectedId` when given (a managed policy names it);
 * `closesWorld`: close() closes the world too.
 */
export function harnessOf(world: World, browser: ChromiumSession, options: { who: string; closesWorld: boolean; expectedId?: string }): Harness {
  const { extensionId, serviceWorker } = browser;
  if (extensionId === undefined || serviceWorker === undefined) throw new Error(`${options.who}: the extension did not start`);
  if (options.expectedId !== undefined && extensionId !== options.expectedId) throw new Error(`${options.who}: extension ${extensionId} is not ${options.expectedId}`);
  const harness: Harness = {
    world,
    browser,
    extensionId,
    sw: serviceWorker,
    async restartServiceWorker() {
      harness.sw = await browser.restartServiceWorker();
      return harness.sw;
    },
    async close() {
      await browser.close();
      if (options.closesWorld) await world.close();
    },
  };
  return harness;
}

/** Makes lookups of every name under `domain` hang (never answered), keeping the scenarios. */
export function hangDomain(world: World, domain: string): void {
  const zone = scenarioZone(world.ip);
  const names = [domain, `_mta-sts.${domain}`, `_smtp._tls.${domain}`, `mx.${domain}`];
  world.doh.setZone({ ...zone, hang: [...(zone.hang ?? []), ...names] });
}

let pageCounter = 0;

export interface GmailPage {
  page: Page;
  /** The tab's id in the extension API (for the action badge). */
  tabId: number;
  url: string;
  cdp: CDPSession;
  close(): Promise<void>;
}

/** Another page (a pop-out window) of a webmail, for reading its badges. */
export type WebmailPage = GmailPage;

/** The extension's id for the tab whose URL is `url` (undefined: none). */
export async function tabIdOf(h: Harness, url: string): Promise<number | undefined> {
  return h.sw.evaluate(async (u) => {
    const tabs = await (globalThis as WithChrome).chrome.tabs.query({});
    return tabs.find((t) => t.url === u)?.id;
  }, url);
}

/** The tab a page of tab `openerTabId` opened (a pop-out window), once the browser lists it. */
export async function tabOpenedBy(h: Harness, openerTabId: number): Promise<number | undefined> {
  return h.sw.evaluate(async (opener) => {
    const tabs = await (globalThis as WithChrome).chrome.tabs.query({});
    return tabs.find((t) => t.openerTabId === opener)?.id;
  }, openerTabId);
}

/** Opens a webmail-like app (query e.g. `compose=1`) and waits until every compose has its badge. */
export async function openWebmail(h: Harness, site: AppSite, query: string): Promise<WebmailPage> {
  // A unique parameter makes the tab findable by URL from the service worker.
  const url = `https://${site.host}/?${query}${query ? '&' : ''}tab=${++pageCounter}`;
  const page = await h.browser.context.newPage();
  // Wide enough for four 500 px compose windows side by side, as on a desktop screen.
  await page.setViewportSize({ width: 2200, height: 1000 });
  await page.goto(url);
  await page.locator('html[data-app-ready="true"]').waitFor({ state: 'attached' });
  const composes = await page.evaluate((global) => (window as unknown as Record<string, { composeIds(): string[] }>)[global]!.composeIds(), site.global);
  for (const id of composes) await page.locator(`[data-testid="compose-${id}"] [data-intransit="badge"]`).waitFor({ state: 'attached' });
  const tabId = await tabIdOf(h, url);
  if (tabId === undefined) throw new Error(`openWebmail: no tab with ${url}`);
  return attachPage(h, page, tabId, url);
}

/** Wraps a page (e.g. a pop-out window) for readInlineBadge. */
export async function attachPage(h: Harness, page: Page, tabId: number, url: string): Promise<WebmailPage> {
  const cdp = await h.browser.context.newCDPSession(page);
  return { page, tabId, url, cdp, close: async () => { await cdp.detach().catch(() => {}); await page.close(); } };
}

/** Opens the Gmail-like app (query e.g. `composes=1`) and waits until every compose has its badge. */
export async function openGmail(h: Harness, query: string): Promise<GmailPage> {
  return openWebmail(h, GMAIL_SITE, query);
}

/** The DoH query names since `from` that are not under one of `domains` (nothing else may be asked). */
export function queriesOutside(h: Harness, domains: readonly string[], from = 0): string[] {
  const under = (name: string) => domains.some((d) => name === d || name.endsWith(`.${d}`));
  return [...new Set(h.world.doh.queries.slice(from).map((q) => q.name.toLowerCase().replace(/\.$/, '')).filter((name) => !under(name)))];
}

/** What the inline badge of a compose shows: its level, tone and the words in its bar. */
export interface InlineBadge {
  /** The level the badge shows (kept inside its closed shadow root; null without recipients). */
  level: string | null;
  /** good, calm, caution, danger or neutral (src/shared/level-table.ts). */
  tone: string | null;
  /** The bar's visible words (glyph left out: it is aria-hidden), e.g. "InTransit Protected". */
  text: string;
  /** The glyph before the words, from the level table (✓ ~ ! !! ✗ ? … –). */
  glyph: string;
  /** Whether "Policy not checked — allow" is offered. */
  allow: boolean;
}

interface RemoteNode { shadowRoots?: { shadowRootType?: string; backendNodeId: number }[] }

/**
 * Reads the badge of compose `composeId`, or null when it is not in the page. The badge lives in
 * a CLOSED shadow root, which neither the page nor Playwright's selectors can enter; DevTools can
 * (DOM.describeNode with pierce), as a person's eyes can.
 */
export async function readInlineBadge(g: GmailPage, composeId: string, options: { frame?: string } = {}): Promise<InlineBadge | null> {
  const selector = `[data-testid="compose-${composeId}"] [data-intransit="badge"]`;
  // A compose in a same-origin frame (options.frame selects the iframe) is reached through it.
  const doc = options.frame === undefined ? 'document' : `document.querySelector(${JSON.stringify(options.frame)})?.contentDocument`;
  const { result } = await g.cdp.send('Runtime.evaluate', { expression: `${doc}?.querySelector(${JSON.stringify(selector)}) ?? null` });
  if (result.objectId === undefined) return null;
  try {
    const { node } = await g.cdp.send('DOM.describeNode', { objectId: result.objectId, depth: 0, pierce: true }) as { node: RemoteNode };
    const root = node.shadowRoots?.find((r) => r.shadowRootType === 'closed') ?? node.shadowRoots?.[0];
    if (root === undefined) throw new Error('readInlineBadge: the badge has no shadow root');
    const { object } = await g.cdp.send('DOM.resolveNode', { backendNodeId: root.backendNodeId });
    if (object.objectId === undefined) throw new Error('readInlineBadge: cannot resolve the shadow root');
    const read = await g.cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId,
      returnByValue: true,
      functionDeclaration: `function () {
        const status = this.querySelector('[role="status"]');
        const root = this.querySelector('.badge');
        const words = [...status.children].filter((e) => e.getAttribute('aria-hidden') !== 'true')
          .map((e) => e.textContent.trim()).filter((t) => t !== '');
        const allow = this.querySelector('button.allow');
        return { level: root.getAttribute('data-level'), tone: root.getAttribute('data-tone'), text: words.join(' '),
          glyph: status.querySelector('[aria-hidden="true"]')?.textContent ?? '', allow: allow !== null && !allow.hidden };
      }`,
    });
    await g.cdp.send('Runtime.releaseObject', { objectId: object.objectId }).catch(() => {});
    return read.result.value as InlineBadge;
  } finally {
    await g.cdp.send('Runtime.releaseObject', { objectId: result.objectId }).catch(() => {});
  }
}

/** The toolbar button of the tab: badge text and tooltip, as the browser holds them. */
export async function readActionBadge(h: Harness, tabId: number): Promise<{ text: string; title: string }> {
  return h.sw.evaluate(async (id) => {
    const { action } = (globalThis as WithChrome).chrome;
    return { text: await action.getBadgeText({ tabId: id }), title: await action.getTitle({ tabId: id }) };
  }, tabId);
}

/**
 * Opens the popup page over `g`'s tab. The popup shows the ACTIVE tab of its window. The action's
 * real popup bubble can be opened headless (action.openPopup() from the worker works), but
 * Playwright does not attach to that target, so its DOM cannot be read. So the worker opens the
 * same page (same code, same Connector, same messages) as an INACTIVE tab in the Gmail tab's
 * window, with the Gmail tab brought to the front: `tabs.query({active, currentWindow})` then
 * names the Gmail tab, exactly as it does in the bubble. Close it when done.
 */
export async function openPopup(h: Harness, g: GmailPage): Promise<Page> {
  await g.page.bringToFront();
  const popupUrl = `chrome-extension://${h.extensionId}/${POPUP_PATH}`;
  // The 'page' event can come before the URL is committed (about:blank): wait for the URL too.
  const opened = h.browser.context.waitForEvent('page', { timeout: 10_000 });
  await h.sw.evaluate(async ({ tabId, url }) => {
    const { tabs } = (globalThis as WithChrome).chrome;
    const gmailTab = await tabs.get(tabId);
    await tabs.create({ url, active: false, windowId: gmailTab.windowId });
  }, { tabId: g.tabId, url: popupUrl });
  const popup = await opened;
  if (!popup.url().startsWith(popupUrl)) await popup.waitForURL((u) => u.href.startsWith(popupUrl), { timeout: 10_000 });
  await popup.locator('main').waitFor();
  await popup.getByRole('status').filter({ hasText: 'Loading' }).waitFor({ state: 'detached' });
  return popup;
}

/**
 * Runs `fn` inside the closed shadow root of compose `composeId`'s badge (through CDP, as the
 * person's eyes can read it; neither the page nor Playwright's selectors can enter it).
 */
export async function inBadgeRoot<T>(g: GmailPage, composeId: string, fn: string): Promise<T> {
  const selector = `[data-testid="compose-${composeId}"] [data-intransit="badge"]`;
  const { result } = await g.cdp.send('Runtime.evaluate', { expression: `document.querySelector(${JSON.stringify(selector)})` });
  if (result.objectId === undefined) throw new Error(`inBadgeRoot: no badge in compose ${composeId}`);
  try {
    const { node } = await g.cdp.send('DOM.describeNode', { objectId: result.objectId, depth: 0, pierce: true }) as { node: RemoteNode };
    const root = node.shadowRoots?.[0];
    if (root === undefined) throw new Error('inBadgeRoot: the badge has no shadow root');
    const { object } = await g.cdp.send('DOM.resolveNode', { backendNodeId: root.backendNodeId });
    if (object.objectId === undefined) throw new Error('inBadgeRoot: cannot resolve the shadow root');
    const read = await g.cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, returnByValue: true, awaitPromise: true, functionDeclaration: fn });
    await g.cdp.send('Runtime.releaseObject', { objectId: object.objectId }).catch(() => {});
    return read.result.value as T;
  } finally {
    await g.cdp.send('Runtime.releaseObject', { objectId: result.objectId }).catch(() => {});
  }
}

export interface PopupRecipient { address: string; level: string }

/** The popup's section of the compose being written (listed first; marked when the tab has several). */
export function activeComposeSection(popup: Page): Locator {
  return popup.locator('section.compose[data-active="true"]');
}

/** The recipients the popup lists for the active compose (address and the level's word), worst first. */
export async function popupRecipients(popup: Page): Promise<PopupRecipient[]> {
  return activeComposeSection(popup).locator('li.recipient').evaluateAll((items) => items.map((li) => ({
    address: li.querySelector('.address')?.textContent ?? '',
    level: li.querySelector('.level')?.textContent ?? '',
  })));
}

/** Types an address into a recipient field and confirms it with Enter, as a person does. */
export async function typeRecipient(g: GmailPage, composeId: string, address: string, kind: 'to' | 'cc' | 'bcc' = 'to'): Promise<void> {
  const input = g.page.getByTestId(`${kind}-input-${composeId}`);
  if (!(await input.isVisible())) await g.page.getByTestId(`${kind}-link-${composeId}`).click();
  await input.click();
  await input.pressSequentially(address);
  await input.press('Enter');
  await g.page.locator(`[data-testid="compose-${composeId}"] [role="option"][data-hovercard-id="${address}"]`).waitFor({ state: 'attached' });
}

/** Pastes a list of addresses into a recipient field (the app turns a list into chips). */
export async function pasteRecipients(g: GmailPage, composeId: string, addresses: readonly string[], kind: 'to' | 'cc' | 'bcc' = 'to'): Promise<void> {
  const input = g.page.getByTestId(`${kind}-input-${composeId}`);
  await input.click();
  await input.evaluate((el, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, addresses.join(', '));
  const last = addresses[addresses.length - 1];
  if (last !== undefined) await g.page.locator(`[data-testid="compose-${composeId}"] [role="option"][data-hovercard-id="${last}"]`).waitFor({ state: 'attached' });
}

/** Removes a chip with its × button, as a person does. */
export async function removeRecipient(g: GmailPage, composeId: string, address: string): Promise<void> {
  const chip = g.page.locator(`[data-testid="compose-${composeId}"] [role="option"][data-hovercard-id="${address}"]`);
  await chip.getByRole('button', { name: `Remove ${address}` }).click();
  await chip.waitFor({ state: 'detached' });
}

// ----- the organisation's lookup service (test/e2e/lookup-service*.test.ts) ---------------------

/** A real `intransit serve` process, started from the built CLI as an administrator runs it. */
export interface LookupServiceProcess {
  /** https://<listen address>:<port> (what the service logs as `listening`). */
  url: string;
  host: string;
  port: number;
  /** Every JSON log line so far (the service logs each request: method, path, status, domains). */
  logs: Record<string, unknown>[];
  /** The `request` log entries for one path (e.g. /v1/assess), oldest first. */
  requests(path?: string): Record<string, unknown>[];
  /** SIGTERM (graceful stop); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `node bin/intransit.mjs serve` over HTTPS on `host` (a free port), with its own resolver
 * URL (the world's DoH server by IP, so its queries are told apart from anything sent to the
 * public resolvers' names), policy fetches allowed to the world's loopback address (labs and
 * tests only: --allow-egress), the fixture zones' special-use .test names allowed, and a token.
 */
export async function startLookupService(options: {
  world: World;
  host: string;
  cert: { cert: string; key: string };
  name: string;
  token: string;
  /** `--listen` port; default 0 (a free one). */
  port?: number;
}): Promise<LookupServiceProcess> {
  const dir = makeTempDir('service-');
  const { url, child, logs, exited } = await spawnService([
    '--listen', `${options.host}:${options.port ?? 0}`,
    '--tls-cert', writeTempFile('cert.pem', options.cert.cert, dir), '--tls-key', writeTempFile('key.pem', options.cert.key, dir),
    '--tokens-file', writeTempFile('tokens', `${options.token}\n`, dir),
    '--resolver', options.world.doh.url, '--allow-egress', `${options.world.ip}/32`, '--allow-special-use-names',
    '--name', options.name, '--timeout', '3000',
  ], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_EXTRA_CA_CERTS: options.world.caFile } });
  return {
    url,
    host: options.host,
    port: Number(new URL(url).port),
    logs,
    requests: (path) => logs.filter((l) => l.event === 'request' && (path === undefined || l.path === path)),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A Chromium managed policy file for the extension (installChromiumPolicy). */
export interface ChromiumPolicy {
  /** Replaces the extension's managed settings (Chromium applies the new file while running). */
  update(settings: Record<string, unknown>): void;
  /** Removes the file, and the directories installChromiumPolicy created if they are empty. */
  remove(): void;
}

/**
 * Writes a Chromium managed policy for the extension (3rdparty.extensions.<ID>) in
 * /etc/chromium/policies/managed/<name>.json BEFORE the browser starts (the first storage.managed
 * read happens at start); it applies to every Chromium on the machine, so the caller removes it
 * in a finally. Needs root, as CI has.
 */
export function installChromiumPolicy(name: string, extensionId: string, settings: Record<string, unknown>): ChromiumPolicy {
  const exists = existsSync;
  if (process.getuid?.() !== 0) throw new Error('installChromiumPolicy: writing /etc/chromium/policies/managed needs root (CI runs as root).');
  const dir = '/etc/chromium/policies/managed';
  const file = join(dir, `${name}.json`);
  if (exists(file)) throw new Error(`installChromiumPolicy: ${file} exists already (another run?); not overwriting it`);
  const created: string[] = [];
  for (let d = dir; !exists(d); d = dirname(d)) created.unshift(d);
  mkdirSync(dir, { recursive: true });
  const update = (values: Record<string, unknown>): void => {
    // Atomic (rename): Chromium's file watcher never reads half a file; the .tmp name is ignored.
    writeFileSync(`${file}.tmp`, JSON.stringify({ '3rdparty': { extensions: { [extensionId]: values } } }, null, 2));
    renameSync(`${file}.tmp`, file);
  };
  update(settings);
  return {
    update,
    remove() {
      rmSync(file, { force: true });
      rmSync(`${file}.tmp`, { force: true });
      for (const d of created.reverse()) {
        try {
          rmdirSync(d);
        } catch {
          // not empty (someone else's policy) or gone: leave it
        }
      }
    },
  };
}

// ----- the send-time check (docs/decisions.md "Send-time check") -------------------------------

/** What the send-time check's dialog shows (it lives in a CLOSED shadow root on the document element). */
export interface SendDialogView {
  /** role, aria-modal, and whether aria-labelledby / aria-describedby name the title and text. */
  role: string | null;
  modal: boolean;
  labelled: boolean;
  described: boolean;
  title: string;
  text: string;
  /** The live status line ("Still checking 1 recipient…"), '' when none. */
  status: string;
  /** One line per recipient: glyph, who, level, what to do. */
  rows: string[];
  /** The visible buttons, in order. */
  buttons: string[];
  /** The organisation's help link, when shown. */
  help: { text: string; href: string } | null;
  /** The text of the focused element inside the dialog (null: focus is elsewhere). */
  focused: string | null;
  /** Whether the page's focus is on the dialog (document.activeElement is its host). */
  pageFocus: boolean;
  theme: string | null;
}

const SEND_DIALOG = '[data-intransit="send-check"]';

/** Runs `fn` (a function declaration, `this` = the shadow root) in the closed root of the element `selector` names. */
async function inClosedRoot<T>(g: WebmailPage, selector: string, fn: string): Promise<T | null> {
  const { result } = await g.cdp.send('Runtime.evaluate', { expression: `document.querySelector(${JSON.stringify(selector)})` });
  if (result.objectId === undefined) return null;
  try {
    const { node } = await g.cdp.send('DOM.describeNode', { objectId: result.objectId, depth: 0, pierce: true }) as { node: RemoteNode };
    const root = node.shadowRoots?.find((r) => r.shadowRootType === 'closed');
    if (root === undefined) throw new Error(`${selector} has no closed shadow root`);
    const { object } = await g.cdp.send('DOM.resolveNode', { backendNodeId: root.backendNodeId });
    if (object.objectId === undefined) throw new Error(`cannot resolve the shadow root of ${selector}`);
    const read = await g.cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, returnByValue: true, functionDeclaration: fn });
    await g.cdp.send('Runtime.releaseObject', { objectId: object.objectId }).catch(() => {});
    return read.result.value as T;
  } finally {
    await g.cdp.send('Runtime.releaseObject', { objectId: result.objectId }).catch(() => {});
  }
}

/** The send-time check's dialog as a person sees it, or null when none is open in this page. */
export async function readSendDialog(g: WebmailPage): Promise<SendDialogView | null> {
  const view = await inClosedRoot<Omit<SendDialogView, 'pageFocus'>>(g, SEND_DIALOG, `function () {
    const box = this.querySelector('[role="alertdialog"]');
    const visible = (el) => el && !el.hidden && !(el.parentElement && el.parentElement.hidden);
    const help = this.querySelector('a');
    const text = (el) => (el ? el.textContent.trim() : '');
    return {
      role: box.getAttribute('role'), modal: box.getAttribute('aria-modal') === 'true',
      labelled: this.getElementById(box.getAttribute('aria-labelledby')) === this.querySelector('h2'),
      described: !!this.getElementById(box.getAttribute('aria-describedby')),
      title: text(this.querySelector('h2')), text: text(this.getElementById(box.getAttribute('aria-describedby'))),
      status: text(this.querySelector('[role="status"]')),
      rows: [...this.querySelectorAll('li')].map((li) => li.textContent.trim()),
      buttons: [...this.querySelectorAll('button')].filter(visible).map((b) => b.textContent.trim()),
      help: visible(help) ? { text: help.textContent, href: help.getAttribute('href') } : null,
      focused: this.activeElement ? this.activeElement.textContent.trim() : null,
      theme: box.getAttribute('data-theme'),
    };
  }`);
  if (view === null) return null;
  const pageFocus = await g.page.evaluate((sel) => document.activeElement === document.querySelector(sel), SEND_DIALOG);
  return { ...view, pageFocus };
}

/** Clicks a button of the send dialog with the mouse, as a person does (a trusted click at its place). */
export async function clickSendDialogButton(g: WebmailPage, label: string): Promise<void> {
  const box = await inClosedRoot<{ x: number; y: number } | null>(g, SEND_DIALOG, `function () {
    const b = [...this.querySelectorAll('button')].find((e) => e.textContent.trim() === ${JSON.stringify(label)} && !e.hidden);
    if (!b) return null;
    const r = b.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }`);
  if (box === null) throw new Error(`clickSendDialogButton: no visible "${label}" button`);
  await g.page.mouse.click(box.x, box.y);
}

/** What the webmail-like apps recorded as sent (window.__sent), without the timestamps. */
export interface SentRecord { compose: string; window: string; via: string; to: string[]; cc: string[]; bcc: string[] }
export async function sentLog(page: Page): Promise<SentRecord[]> {
  return page.evaluate(() => (window as unknown as { __sent: SentRecord[] }).__sent.map(({ compose, window: w, via, to, cc, bcc }) => ({ compose, window: w, via, to, cc, bcc })));
}

/** Sets the person's own settings (storage.sync), as the options page does. */
export async function setUserSettings(h: Harness, values: Record<string, unknown>): Promise<void> {
  await h.sw.evaluate(async (v) => {
    await (globalThis as unknown as { chrome: { storage: { sync: { set(x: object): Promise<void> } } } }).chrome.storage.sync.set(v);
  }, values);
}
