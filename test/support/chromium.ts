// Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core, the way toolchain.md
// describes: a fresh HOME whose NSS db trusts the test CA, a fresh profile, real hostnames mapped
// to local servers with --host-resolver-rules, and every other name unresolvable so nothing
// leaves the machine.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page, type Worker } from 'playwright-core';
import type { TestCa } from './ca.ts';
import { trustCaForChromium } from './nss.ts';
import { makeTempDir, removeTempDir } from './tmp.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface LaunchChromiumOptions {
  /** An unpacked extension to load (e.g. dist/chrome). */
  extensionDir?: string;
  /** Hostname pattern (`mail.google.com`, `*.example.test`) → port on 127.0.0.1, or 'ip:port'. */
  hostRules: Record<string, number | string>;
  /** The CA to trust through the NSS db of the fresh HOME. */
  ca: TestCa;
  /** Default true (Chromium's new headless mode, which runs extensions). */
  headless?: boolean;
  /** Extra command-line flags. */
  args?: string[];
  /** How long to wait for the extension's service worker; default 15 s. */
  serviceWorkerTimeoutMs?: number;
}

export interface ChromiumSession {
  context: BrowserContext;
  /** The extension ID (the host of its service worker URL), when an extension was loaded. */
  extensionId?: string;
  /** Playwright's handle on the extension's service worker. It survives restarts of the worker:
   *  Chromium keeps the same DevTools target, and `evaluate` runs in the current instance. */
  serviceWorker?: Worker;
  /** The HOME given to Chromium (holds .pki/nssdb). */
  home: string;
  userDataDir: string;
  /** Stops the extension's service worker, as Chromium does when it is idle or to save memory;
   *  resolves once it is stopped. The next extension event (a message, an alarm) starts it. */
  stopServiceWorker(): Promise<void>;
  /** Stops the worker, starts it again and resolves once it is running (globals are gone). */
  restartServiceWorker(): Promise<Worker>;
  /** The worker's state as the browser reports it (ServiceWorker.workerVersionUpdated). */
  serviceWorkerStatus(): Promise<ServiceWorkerStatus>;
  /** Resolves when the worker is running, e.g. after an event woke a stopped worker. */
  waitForServiceWorkerRunning(): Promise<void>;
  /** Closes the browser and removes HOME and the profile. */
  close(): Promise<void>;
}

/** `MAP name 127.0.0.1:port, ..., MAP * ~NOTFOUND, EXCLUDE localhost` (MAP also rewrites the port). */
export function hostResolverRules(hostRules: Record<string, number | string>): string {
  const rules = Object.entries(hostRules).map(([pattern, target]) =>
    `MAP ${pattern} ${typeof target === 'number' ? `127.0.0.1:${target}` : target}`);
  rules.push('MAP * ~NOTFOUND', 'EXCLUDE localhost');
  return rules.join(',');
}

// Chromium keeps only the LAST --disable-features switch (last-wins, no merging), and Playwright
// already passes one: a plain `--disable-features=DnsOverHttps` would silently re-enable all of
// Playwright's. So ours repeats Playwright 1.65's list (chromiumSwitches.ts) and adds
// DnsOverHttps (name resolution must stay with --host-resolver-rules).
const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose', 'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable', 'LensOverlay', 'MediaRouter', 'PaintHolding',
  'ThirdPartyStoragePartitioning', 'AvoidCorsURLLoaderRestartOnRedirect', 'TcpPortRandomizationWin',
  'OptimizationHints', 'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch',
];
const DISABLED_FEATURES = [
  ...PLAYWRIGHT_DISABLED_FEATURES,
  'DnsOverHttps',
];

/** Flags from toolchain.md: no sandbox (root), nothing that talks to Google's servers. */
export function chromiumArgs(options: Pick<LaunchChromiumOptions, 'extensionDir' | 'hostRules' | 'args'>): string[] {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--disable-features=${DISABLED_FEATURES.join(',')}`,
    `--host-resolver-rules=${hostResolverRules(options.hostRules)}`,
  ];
  if (options.extensionDir !== undefined) {
    const dir = resolve(options.extensionDir);
    args.push(`--disable-extensions-except=${dir}`, `--load-extension=${dir}`);
  }
  return [...args, ...(options.args ?? [])];
}

export type ServiceWorkerStatus = 'stopped' | 'starting' | 'running' | 'stopping';

interface WorkerVersion {
  versionId: string;
  scriptURL: string;
  runningStatus: ServiceWorkerStatus;
}

/** Watches the extension's worker through the ServiceWorker CDP domain of a page session (the
 *  domain covers the whole profile, extension workers included). */
async function withServiceWorkerDomain<T>(
  context: BrowserContext,
  extensionId: string,
  act: (cdp: CDPSession, waitFor: (status: WorkerVersion['runningStatus']) => Promise<WorkerVersion>, current: () => WorkerVersion | undefined) => Promise<T>,
): Promise<T> {
  const prefix = `chrome-extension://${extensionId}/`;
  let page: Page | undefined = context.pages()[0];
  const ownPage = page === undefined;
  page ??= await context.newPage();
  const cdp = await context.newCDPSession(page);
  let latest: WorkerVersion | undefined;
  const listeners = new Set<() => void>();
  cdp.on('ServiceWorker.workerVersionUpdated', (event: { versions: WorkerVersion[] }) => {
    for (const version of event.versions) {
      if (!version.scriptURL.startsWith(prefix)) continue;
      latest = version;
      for (const listener of listeners) listener();
    }
  });
  const waitFor = (status: WorkerVersion['runningStatus']): Promise<WorkerVersion> => new Promise((done) => {
    const check = (): void => {
      if (latest?.runningStatus !== status) return;
      listeners.delete(check);
      done(latest);
    };
    listeners.add(check);
    check();
  });
  try {
    await cdp.send('ServiceWorker.enable'); // reports every current version at once
    return await act(cdp, waitFor, () => latest);
  } finally {
    await cdp.detach().catch(() => {});
    if (ownPage) await page.close().catch(() => {});
  }
}

export async function launchChromium(options: LaunchChromiumOptions): Promise<ChromiumSession> {
  if (options.extensionDir !== undefined && !existsSync(resolve(options.extensionDir, 'manifest.json'))) {
    throw new Error(`launchChromium: no manifest.json in ${options.extensionDir}`);
  }
  const home = makeTempDir('home-');
  const userDataDir = makeTempDir('profile-');
  await trustCaForChromium(home, options.ca.certPem);
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? true,
    env: { ...process.env, HOME: home },
    args: chromiumArgs(options),
  });

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await context.close().catch(() => {});
    removeTempDir(userDataDir);
    removeTempDir(home);
  };

  let serviceWorker: Worker | undefined;
  let extensionId: string | undefined;
  if (options.extensionDir !== undefined) {
    const isExtensionWorker = (worker: Worker): boolean => worker.url().startsWith('chrome-extension://');
    try {
      serviceWorker = context.serviceWorkers().find(isExtensionWorker)
        ?? await context.waitForEvent('serviceworker', { predicate: isExtensionWorker, timeout: options.serviceWorkerTimeoutMs ?? 15_000 });
    } catch (error) {
      await close();
      throw new Error('launchChromium: the extension\'s service worker did not start', { cause: error });
    }
    extensionId = new URL(serviceWorker.url()).host;
  }

  const requireExtension = (): string => {
    if (extensionId === undefined) throw new Error('launchChromium: no extension loaded');
    return extensionId;
  };

  const stopServiceWorker = async (): Promise<void> => {
    await withServiceWorkerDomain(context, requireExtension(), async (cdp, waitFor, current) => {
      const version = current() ?? await waitFor('running');
      if (version.runningStatus === 'stopped') return;
      await cdp.send('ServiceWorker.stopWorker', { versionId: version.versionId });
      await waitFor('stopped');
    });
  };

  const restartServiceWorker = async (): Promise<Worker> => {
    const id = requireExtension();
    await withServiceWorkerDomain(context, id, async (cdp, waitFor, current) => {
      const version = current() ?? await waitFor('running');
      if (version.runningStatus !== 'stopped') {
        await cdp.send('ServiceWorker.stopWorker', { versionId: version.versionId });
        await waitFor('stopped');
      }
      await cdp.send('ServiceWorker.startWorker', { scopeURL: `chrome-extension://${id}/` });
      await waitFor('running');
    });
    // Playwright keeps the same Worker (same target); make sure it evaluates in the new instance.
    const worker = context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${id}/`)) ?? serviceWorker;
    if (!worker) throw new Error('restartServiceWorker: worker not found after restart');
    await worker.evaluate(() => true);
    serviceWorker = worker;
    return worker;
  };

  const serviceWorkerStatus = (): Promise<ServiceWorkerStatus> =>
    withServiceWorkerDomain(context, requireExtension(), async (_cdp, waitFor, current) => {
      // ServiceWorker.enable reports the current versions right away; wait for that report.
      const known = current();
      if (known) return known.runningStatus;
      return (await Promise.race([waitFor('running'), waitFor('stopped'), waitFor('starting'), waitFor('stopping')])).runningStatus;
    });

  const waitForServiceWorkerRunning = async (): Promise<void> => {
    await withServiceWorkerDomain(context, requireExtension(), async (_cdp, waitFor) => {
      await waitFor('running');
    });
  };

  return {
    context,
    ...(extensionId !== undefined ? { extensionId } : {}),
    ...(serviceWorker !== undefined ? { serviceWorker } : {}),
    home,
    userDataDir,
    stopServiceWorker,
    restartServiceWorker,
    serviceWorkerStatus,
    waitForServiceWorkerRunning,
    close,
  };
}

/**
 * Navigates to `url`, expecting the navigation to fail, and returns Chromium's error code
 * (e.g. `ERR_CERT_AUTHORITY_INVALID`). Use this instead of a bare `page.goto()` for certificate
 * errors: Chromium commits the SSL interstitial only AFTER goto() has rejected, and a page closed
 * before that hangs page.close() for good (a goto() in between is interrupted). So this also
 * waits for the interstitial (its body has class `ssl`). A certificate error navigation often
 * takes about 3 s (SSLErrorHandler's interstitial delay): to just check that a host's
 * certificate fails, a fetch() from a page or the service worker is faster (TypeError).
 */
export async function gotoExpectingError(page: Page, url: string): Promise<string> {
  const error = await page.goto(url).then(() => undefined, (e: unknown) => e);
  const code = /net::(ERR_[A-Z_]+)/.exec(String(error))?.[1];
  if (code === undefined) throw new Error(`gotoExpectingError: ${url} did not fail with a net:: error (${String(error)})`);
  if (code.startsWith('ERR_CERT_')) {
    await page.waitForFunction(() => document.body?.classList.contains('ssl') === true);
  }
  return code;
}
