// Real Firefox (Debian's /usr/bin/firefox-esr) driven by puppeteer-core over WebDriver BiDi
// (toolchain.md "Firefox": playwright-core cannot drive it). A fresh profile whose own NSS
// database (cert9.db) trusts the test CA, every host name resolved to one loopback address
// (pref network.dns.forceResolve), so real names like mail.google.com and cloudflare-dns.com
// reach the local servers on port 443 and nothing leaves the machine.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import puppeteer, { type Browser } from 'puppeteer-core';
import type { TestCa } from './ca.ts';
import { makeTempDir, removeTempDir, writeTempFile } from './tmp.ts';

const run = promisify(execFile);

export const FIREFOX_PATH = '/usr/bin/firefox-esr';
const CERTUTIL = '/usr/bin/certutil';

export interface LaunchFirefoxOptions {
  /** The CA to trust through the profile's NSS database. */
  ca: TestCa;
  /** Every host name resolves to this IPv4 address (servers listen on its port 443). */
  resolveAllTo: string;
  /** An unpacked extension to install as a temporary add-on (e.g. dist/firefox). */
  extensionDir?: string;
  /** Default true. */
  headless?: boolean;
  /** Extra preferences (override the defaults below). */
  prefs?: Record<string, unknown>;
  /** Extra environment variables for Firefox (e.g. HOME, where it finds ~/.mozilla/managed-storage/). */
  env?: Record<string, string>;
}

export interface FirefoxSession {
  browser: Browser;
  /** The add-on ID Firefox reports (the manifest's gecko id), when an extension was installed. */
  extensionId?: string;
  profileDir: string;
  /** Closes Firefox and removes the profile. Safe to call twice. */
  close(): Promise<void>;
}

/** Firefox reads certificates from the profile's own NSS db (cert9.db), not ~/.pki/nssdb. */
export async function trustCaForFirefox(profileDir: string, caPem: string, nickname = 'intransit-test-ca'): Promise<void> {
  const db = `sql:${profileDir}`;
  await run(CERTUTIL, ['-d', db, '-N', '--empty-password']);
  const caFile = writeTempFile('ca.pem', caPem);
  // 'C,,': a trusted issuer of TLS server certificates only.
  await run(CERTUTIL, ['-d', db, '-A', '-n', nickname, '-t', 'C,,', '-i', caFile]);
}

/** Preferences that keep name resolution and trust local and deterministic. */
export function firefoxPrefs(resolveAllTo: string): Record<string, unknown> {
  return {
    // Every name → this address (nsHostResolver); unlike network.dns.localDomains (a list of
    // names → 127.0.0.1) it also keeps every other name off the real network.
    'network.dns.forceResolve': resolveAllTo,
    // 5 = TRR (Firefox's own DoH) off by choice: names must go through forceResolve.
    'network.trr.mode': 5,
    'network.dns.disablePrefetch': true,
    'network.proxy.type': 0,
    // No QUIC to UDP 443: the test servers speak TCP only.
    'network.http.http3.enable': false,
    // Only the profile's NSS db decides trust (not the OS store).
    'security.enterprise_roots.enabled': false,
  };
}

export async function launchFirefox(options: LaunchFirefoxOptions): Promise<FirefoxSession> {
  if (!existsSync(FIREFOX_PATH)) {
    throw new Error(`launchFirefox: ${FIREFOX_PATH} is missing; run: apt-get install -y firefox-esr`);
  }
  if (options.extensionDir !== undefined && !existsSync(resolve(options.extensionDir, 'manifest.json'))) {
    throw new Error(`launchFirefox: no manifest.json in ${options.extensionDir}`);
  }
  const profileDir = makeTempDir('firefox-profile-');
  let browser: Browser | undefined;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await browser?.close().catch(() => {});
    removeTempDir(profileDir);
  };
  try {
    await trustCaForFirefox(profileDir, options.ca.certPem);
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: options.headless ?? true,
      userDataDir: profileDir,
      extraPrefsFirefox: { ...firefoxPrefs(options.resolveAllTo), ...options.prefs },
      ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
      // The test closes Firefox itself; vitest should not get puppeteer's signal handlers.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const extensionId = options.extensionDir === undefined ? undefined : await browser.installExtension(resolve(options.extensionDir));
    return { browser, ...(extensionId !== undefined ? { extensionId } : {}), profileDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}
