// End to end with the SHIPPED build (dist/chrome): the policy-fetch permission is optional and
// nobody granted it, as after a fresh install where the person skipped the welcome page. MTA-STS
// is then judged from DNS alone: no policy host is contacted, nothing is called protected on an
// unchecked policy, and the popup says "policy not checked".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activeComposeSection, CHROME_BUILD, openGmail, openPopup, popupRecipients, readActionBadge, readInlineBadge,
  startHarness, typeRecipient, type GmailPage, type Harness,
} from './helpers.ts';

type WithPermissions = typeof globalThis & { chrome: { permissions: { contains(p: { origins: string[] }): Promise<boolean> } } };

let h: Harness;
let gmail: GmailPage;

beforeAll(async () => {
  h = await startHarness({ loopback: 41, extensionDir: CHROME_BUILD });
  gmail = await openGmail(h, 'composes=1');
});

afterAll(async () => {
  await h?.close();
});

describe('Gmail compose in real Chromium (shipped build: policy fetch not granted)', () => {
  it('takes the "policy not checked" path: DNS only, never protected, and the popup says why', async () => {
    expect(await h.sw.evaluate(() => (globalThis as WithPermissions).chrome.permissions.contains({ origins: ['https://*/*'] }))).toBe(false);

    await typeRecipient(gmail, '1', 'ann@enforce.test');
    // enforce.test publishes an enforce policy, but unread it proves nothing: likely encrypted at best.
    await expect.poll(() => readInlineBadge(gmail, '1'), { timeout: 15_000 })
      .toMatchObject({ level: 'encrypted', text: 'InTransit Likely encrypted: 1 recipient' });
    await expect.poll(() => readActionBadge(h, gmail.tabId))
      .toEqual({ text: '~', title: 'InTransit: 1 recipient — Encrypted, not guaranteed' });

    const popup = await openPopup(h, gmail);
    try {
      expect(await popup.getByRole('note').textContent()).toContain('Policy not checked: to read a domain\'s MTA-STS policy file, InTransit needs your permission');
      expect(await popup.getByRole('button', { name: 'Allow policy checks…' }).isVisible()).toBe(true);
      expect(await popupRecipients(popup)).toEqual([{ address: 'ann@enforce.test', level: 'Encrypted, not guaranteed' }]);
      const item = activeComposeSection(popup).locator('li.recipient');
      expect(await item.getByText('Policy not checked: InTransit may not fetch policy files yet.').count()).toBe(1);
      expect(await item.textContent()).toContain('the policy file was not checked (InTransit has no permission to fetch it)');
    } finally {
      await popup.close();
    }
    // Judged from DNS alone: the _mta-sts record was asked for, no policy host was contacted.
    expect(h.world.doh.queries.some((q) => q.name === '_mta-sts.enforce.test')).toBe(true);
    expect(h.world.hosts.requests.filter((r) => r.host.startsWith('mta-sts.'))).toEqual([]);
  });
});
