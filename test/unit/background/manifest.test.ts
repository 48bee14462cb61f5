// The manifest variants: permissions, the stable key and ID, the standalone content script.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GECKO_ID, makeManifest } from '../../../manifest.config.ts';
import { ROOT } from './locale-fixture.ts';

type Manifest = Record<string, unknown> & { background: Record<string, unknown>; host_permissions: string[] };
const manifest = (browser: 'chrome' | 'firefox', test = false) => makeManifest(browser, test) as unknown as Manifest;

describe('manifest', () => {
  it('asks for storage only, the webmail and resolver hosts, and all sites only as optional', () => {
    const m = manifest('chrome');
    expect(m.permissions).toEqual(['storage']);
    expect(m.host_permissions).toEqual([
      'https://mail.google.com/*',
      'https://outlook.office.com/*', 'https://outlook.office365.com/*', 'https://outlook.live.com/*', 'https://outlook.cloud.microsoft/*',
      'https://mail.yahoo.com/*',
      'https://cloudflare-dns.com/*', 'https://dns.google/*',
    ]);
    expect(m.optional_host_permissions).toEqual(['https://*/*']);
    expect(m.web_accessible_resources).toBeUndefined();
  });

  // document_start: the send-time check's window listeners come before the page's (docs/decisions.md "Send-time check").
  it('runs one content script per webmail at document_start; Outlook also in frames and in the about:blank pop-out', () => {
    for (const browser of ['chrome', 'firefox'] as const) {
      expect(manifest(browser).content_scripts).toEqual([
        { matches: ['https://mail.google.com/*'], js: ['src/content/gmail/main.ts'], run_at: 'document_start', all_frames: false },
        {
          matches: ['https://outlook.office.com/*', 'https://outlook.office365.com/*', 'https://outlook.live.com/*', 'https://outlook.cloud.microsoft/*'],
          js: ['src/content/outlook/main.ts'], run_at: 'document_start', all_frames: true, match_about_blank: true, match_origin_as_fallback: true,
        },
        { matches: ['https://mail.yahoo.com/*'], js: ['src/content/yahoo/main.ts'], run_at: 'document_start', all_frames: false },
      ]);
    }
  });

  it('makes all sites a required permission in the test build only', () => {
    const m = manifest('chrome', true);
    expect(m.host_permissions).toContain('https://*/*');
    expect(m.optional_host_permissions).toBeUndefined();
  });

  it('carries the committed public key, whose ID is the one in keys/EXTENSION_ID.txt', () => {
    const key = manifest('chrome').key as string;
    expect(key).toBe(readFileSync(join(ROOT, 'keys/extension-public-key.txt'), 'utf8').trim());
    // Chrome: the first 128 bits of SHA-256 of the DER public key, hex digits 0-f written as a-p.
    const hex = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32);
    const id = [...hex].map((h) => String.fromCharCode(97 + parseInt(h, 16))).join('');
    expect(id).toBe(readFileSync(join(ROOT, 'keys/EXTENSION_ID.txt'), 'utf8').trim());
  });

  it('uses a service worker for Chrome and background scripts plus a gecko id for Firefox', () => {
    expect(manifest('chrome').background).toEqual({ service_worker: 'src/background/main.ts', type: 'module' });
    const ff = manifest('firefox');
    expect(ff.background).toEqual({ scripts: ['src/background/main.ts'], type: 'module' });
    expect(ff.browser_specific_settings).toMatchObject({ gecko: { id: GECKO_ID } });
    expect(ff.key).toBeUndefined();
  });
});
