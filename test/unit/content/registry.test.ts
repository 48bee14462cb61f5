// Every registered webmail (src/shared/webmails.ts) is complete: its folder, adapter, selectors
// and entry exist, its match patterns are exact https hosts, its sender facts are cited, its
// name is in the locale, it has fixtures and a shared-suite test, and the docs name it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { WebmailAdapter } from '../../../src/content/adapter.ts';
import { SENDERS } from '../../../src/core/index.ts';
import {
  isOutsideWebmail, originOfMatch, WEBMAIL_IDS, WEBMAILS, webmailForOrigin, webmailForUrl, webmailOrigins,
} from '../../../src/shared/webmails.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const sharedLocale = JSON.parse(read('src/shared/locale/en.json')) as Record<string, { message: string }>;

describe('webmail registry', () => {
  it('lists each id once, in WEBMAIL_IDS order', () => {
    expect(WEBMAILS.map((w) => w.id)).toEqual([...WEBMAIL_IDS]);
  });

  describe.each(WEBMAILS.map((w) => [w.id, w] as const))('%s', (id, w) => {
    it('has its folder: main.ts (the registered entry), adapter.ts and selectors.ts', async () => {
      expect(w.contentScript).toBe(`src/content/${id}/main.ts`);
      for (const file of ['main.ts', 'adapter.ts', 'selectors.ts']) expect(existsSync(join(ROOT, `src/content/${id}`, file)), file).toBe(true);
      const module = (await import(`../../../src/content/${id}/adapter.ts`)) as Record<string, unknown>;
      const adapters = Object.values(module).filter((v): v is WebmailAdapter => typeof v === 'object' && v !== null && 'findComposeRoots' in v);
      expect(adapters.map((a) => a.webmail)).toEqual([id]);
      expect(read(w.contentScript)).toMatch(/startContentScript\(/);
    });

    it('matches exact https hosts only (https://<host>/*), owned by no other webmail', () => {
      expect(w.matches.length).toBeGreaterThan(0);
      for (const pattern of w.matches) {
        expect(pattern).toMatch(/^https:\/\/[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\/\*$/);
        const origin = originOfMatch(pattern);
        expect(new URL(origin).origin).toBe(origin);
        expect(webmailForOrigin(origin)).toBe(id);
        expect(webmailForUrl(`${origin}/mail/0/inbox?x=1`)).toBe(id);
        expect(isOutsideWebmail(`${origin}/`)).toBe(false);
      }
      const others = WEBMAILS.filter((o) => o.id !== id).flatMap(webmailOrigins);
      for (const origin of webmailOrigins(w)) expect(others).not.toContain(origin);
    });

    it('cites where its sending side is documented', () => {
      const row = SENDERS[w.sending.sender];
      expect(row, `SENDERS.${w.sending.sender}`).toBeDefined();
      expect(row.source).toMatch(/^https:\/\/\S+$/);
    });

    it('has its name in the locale, as registered', () => {
      expect(w.nameKey).toBe(`webmail_name_${id}`);
      expect(sharedLocale[w.nameKey]?.message).toBe(w.name);
    });

    it('says why it needs frames or about:blank when it asks for them', () => {
      if (w.frames.allFrames || w.frames.aboutBlank) expect(w.frames.why.length).toBeGreaterThan(20);
    });

    it('has fixtures (several layout variants) and runs the shared adapter suite', () => {
      const fixtures = readdirSync(join(ROOT, 'test/fixtures', id)).filter((f) => f.endsWith('.html'));
      expect(fixtures.length).toBeGreaterThanOrEqual(3);
      expect(read(`test/unit/content/${id}-suite.test.ts`)).toMatch(/runAdapterSuite\(/);
    });

    it('is named in the README and docs/deploying.md, with its hosts for administrators', () => {
      expect(read('README.md')).toContain(w.name);
      const deploying = read('docs/deploying.md');
      expect(deploying).toContain(w.name);
      for (const pattern of w.matches) expect(deploying).toContain(pattern);
    });
  });

  it('knows no webmail for other pages, and does not call about:blank "outside"', () => {
    expect(webmailForUrl('https://evil.example/')).toBeNull();
    expect(webmailForUrl('https://mail.google.com.evil.example/')).toBeNull();
    expect(webmailForUrl('not a url')).toBeNull();
    expect(webmailForUrl('about:blank')).toBeNull();
    expect(isOutsideWebmail('about:blank')).toBe(false);
    expect(isOutsideWebmail(undefined)).toBe(false);
    expect(isOutsideWebmail('https://example.org/')).toBe(true);
  });
});
