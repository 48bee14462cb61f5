// End to end with the SHIPPED build (dist/chrome): the policy-fetch permission is optional and
// nobody granted it, as after a fresh install where the person skipped the welcome page. MTA-STS
// is then judged from DNS alone: no policy host is contacted, nothing is called protected on an
// unchecked policy, and "policy not checked" is said once, where reading the policy would change
// the verdict (the inline badge's "allow" and the popup's compose), not on every message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activeComposeSection, CHROME_BUILD, inBadgeRoot, openGmail, openPopup, popupRecipients, readActionBadge, readInlineBadge,
  startHarness, typeRecipient, type GmailPage, type Harness,
} from './helpers.ts';

type WithPermissions = typeof globalThis & { chrome: { permissions: { contains(p: { origins: string[] }): Promise<boolean> } } };

let h: Harness;
let gmail: GmailPage;

beforeAll(async () => {
  h = await startHarness({ loopback: 41, extensionDir: CHROME_BUILD });
  gmail = await openGmail(h, 'composes=2');
});

afterAll(async () => {
  await h?.close();
});

describe('Gmail compose in real Chromium (shipped build: policy fetch not granted)', () => {
  it('takes the "policy not checked" path: DNS only, calm, never protected; said once, where it matters', async () => {
    expect(await h.sw.evaluate(() => (globalThis as WithPermissions).chrome.permissions.contains({ origins: ['https://*/*'] }))).toBe(false);

    // plain.test publishes no MTA-STS: the permission would change nothing, so nothing is said about it.
    await typeRecipient(gmail, '2', 'cat@plain.test');
    await expect.poll(() => readInlineBadge(gmail, '2'), { timeout: 15_000 })
      .toMatchObject({ level: 'unverified', text: 'InTransit cat@plain.test: no protection published', allow: false });

    await gmail.page.getByTestId('to-input-1').focus();
    await typeRecipient(gmail, '1', 'ann@enforce.test');
    // enforce.test publishes an enforce policy, but unread it proves nothing: likely encrypted at
    // best, calm, with "policy not checked — allow" because reading it would change the verdict.
    await expect.poll(() => readInlineBadge(gmail, '1'), { timeout: 15_000 })
      .toMatchObject({ level: 'encrypted', tone: 'calm', text: 'InTransit Likely encrypted', glyph: '~', allow: true });
    await expect.poll(() => readActionBadge(h, gmail.tabId))
      .toEqual({ text: '~', title: 'InTransit — Likely encrypted' });

    const popup = await openPopup(h, gmail);
    try {
      const notes = popup.getByRole('note');
      expect(await notes.count()).toBe(1);
      expect(await activeComposeSection(popup).getByRole('note').textContent()).toContain('Policy not checked: reading these recipients’ MTA-STS policy files could change the verdict');
      expect(await popup.getByRole('button', { name: 'Allow policy checks…' }).isVisible()).toBe(true);
      expect(await popupRecipients(popup)).toEqual([{ address: 'ann@enforce.test', level: 'Likely encrypted' }]);
      const item = activeComposeSection(popup).locator('li.recipient');
      expect(await item.textContent()).toContain('the policy file was not checked (InTransit has no permission to fetch it)');
    } finally {
      await popup.close();
    }
    // Judged from DNS alone: the _mta-sts record was asked for, no policy host was contacted.
    expect(h.world.doh.queries.some((q) => q.name === '_mta-sts.enforce.test')).toBe(true);
    expect(h.world.hosts.requests.filter((r) => r.host.startsWith('mta-sts.'))).toEqual([]);
  });

  it('"policy not checked — allow" in the badge opens the welcome page at its permission flow', async () => {
    const opened = h.browser.context.waitForEvent('page', { timeout: 10_000 });
    await inBadgeRoot(gmail, '1', 'function () { this.querySelector("button.allow").click(); }');
    const welcome = await opened;
    await welcome.waitForURL(/\/src\/welcome\/index\.html#allow$/);
    const button = welcome.getByRole('button', { name: 'Allow policy checks' });
    await button.waitFor();
    await expect.poll(() => button.evaluate((el) => el === document.activeElement)).toBe(true);
    await welcome.close();
  });
});
