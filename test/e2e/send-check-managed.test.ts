// The send-time check in `block` mode, set by an organisation through a real Chromium policy file
// in /etc/chromium/policies/managed/ (as managed-policy.test.ts: written BEFORE the browser starts,
// removed in a finally; it affects every Chromium on the machine, so this runs under the lock and
// needs root, as CI has). The test build runs the Gmail-like app; the test asserts what a person
// sees: the dialog without "Send anyway" and with the organisation's help link, the popup and the
// options page saying the mode is set by the organisation. Screenshots go to /work/screens/.
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startWorld } from '../support/world.ts';
import {
  CHROME_TEST_BUILD, GMAIL_APP_DIR, harnessOf, installChromiumPolicy, openGmail, openPopup, readInlineBadge, readSendDialog, requireBuild, sentLog,
  typeRecipient, type GmailPage, type Harness,
  type ChromiumPolicy,
} from './helpers.ts';

const EXTENSION_ID = readFileSync('keys/EXTENSION_ID.txt', 'utf8').trim();
/** 127.0.0.102: this suite's own address (the send-check range is 100–109). */
const LOOPBACK = 102;
const SCREENS = '/work/screens';
const POLL = { timeout: 15_000, interval: 100 };

const MANAGED = { sendCheck: 'block', orgName: 'Example Org', helpUrl: 'https://help.example.org/intransit' };

/** Removes the policy file again (set once it is written). */
let policy: ChromiumPolicy | undefined;

let h: Harness;
let gmail: GmailPage;

beforeAll(async () => {
  requireBuild(CHROME_TEST_BUILD);
  mkdirSync(SCREENS, { recursive: true });
  policy = installChromiumPolicy('intransit-e2e-send-check', EXTENSION_ID, MANAGED);
  try {
    const world = await startWorld({ loopback: LOOPBACK });
    world.hosts.set('mail.google.com', { static: GMAIL_APP_DIR });
    const dohPort = new URL(world.doh.url).port;
    const browser = await launchChromium({
      ca: world.ca,
      extensionDir: CHROME_TEST_BUILD,
      hostRules: {
        'mail.google.com': `${world.ip}:443`, 'mta-sts.*': `${world.ip}:443`,
        'cloudflare-dns.com': `${world.ip}:${dohPort}`, 'dns.google': `${world.ip}:${dohPort}`,
      },
    });
    h = harnessOf(world, browser, { who: 'send-check managed e2e', closesWorld: true, expectedId: EXTENSION_ID });
    gmail = await openGmail(h, 'composes=2');
    await typeRecipient(gmail, '1', 'ann@plain.test');
    await typeRecipient(gmail, '2', 'bob@enforce.test');
    for (const [id, level] of [['1', 'unverified'], ['2', 'protected']] as const) {
      await vi.waitFor(async () => expect(await readInlineBadge(gmail, id)).toMatchObject({ level }), POLL);
    }
  } catch (error) {
    policy?.remove();
    await h?.close();
    throw error;
  }
});

afterAll(async () => {
  try {
    await h?.close();
  } finally {
    policy?.remove();
  }
});

async function shoot(page: Page, selector: string, name: string): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  if (box === null) throw new Error(`shoot: ${selector} is not visible`);
  const x = Math.max(0, box.x - 60);
  const y = Math.max(0, box.y - 60);
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.screenshot({ path: `${SCREENS}/${name}.png`, clip: { x, y, width: Math.min(viewport.width - x, box.width + 120), height: Math.min(viewport.height - y, box.height + 120) } });
}

const BLOCKED = {
  role: 'alertdialog', modal: true, labelled: true, described: true,
  title: 'This message cannot be sent to these recipients',
  text: 'Example Org does not allow sending messages to recipients whose mail may travel unencrypted or who could not be checked. Go back and change the recipients.',
  buttons: ['Back to editing'],
  help: { text: 'Help from Example Org', href: MANAGED.helpUrl },
};

describe('sendCheck "block" from a real managed policy file', () => {
  it('holds the send with no "Send anyway", the organisation\'s words and help link; Tab stays inside; Escape goes back', async () => {
    await gmail.page.getByTestId('send-1').click();
    expect(await readSendDialog(gmail)).toMatchObject({ ...BLOCKED, focused: 'Back to editing', pageFocus: true, theme: 'light', rows: [expect.stringContaining('ann@plain.test — No protection published')] });
    await shoot(gmail.page, '[data-testid="dialog-1"]', 'send-check-gmail-block-light');
    for (const expected of ['Help from Example Org', 'Back to editing', 'Help from Example Org']) {
      await gmail.page.keyboard.press('Tab');
      expect((await readSendDialog(gmail))?.focused).toBe(expected);
    }
    await gmail.page.keyboard.press('Escape');
    expect(await readSendDialog(gmail)).toBeNull();
    expect(await sentLog(gmail.page)).toEqual([]);
  });

  it('blocks Ctrl+Enter too (dark page), and lets a compose whose recipients are all protected go at once', async () => {
    await gmail.page.addStyleTag({ content: '.nH.Hd, .nH.Hd .M9, .nH.Hd .Hm { background: #202124 !important; color: #e8eaed; }' });
    await gmail.page.getByTestId('to-input-1').click();
    await gmail.page.keyboard.press('Control+Enter');
    await vi.waitFor(async () => expect(await readSendDialog(gmail)).toMatchObject({ ...BLOCKED, theme: 'dark' }), POLL);
    await shoot(gmail.page, '[data-testid="dialog-1"]', 'send-check-gmail-block-dark');
    await gmail.page.keyboard.press('Enter'); // on "Back to editing"
    expect(await readSendDialog(gmail)).toBeNull();
    await gmail.page.getByTestId('send-2').click();
    expect(await sentLog(gmail.page)).toEqual([{ compose: '2', window: 'main', via: 'click', to: ['bob@enforce.test'], cc: [], bcc: [] }]);
  });

  it('says in the popup and on the options page that sending is blocked, set by the organisation', async () => {
    const popup = await openPopup(h, gmail);
    try {
      const state = popup.getByTestId('send-check-state');
      expect(await state.textContent()).toBe('Check before sending: does not let a message go to recipients whose mail may travel unencrypted (🔒 set by your organisation).');
    } finally {
      await popup.close();
    }
    const page = await h.browser.context.newPage();
    try {
      await page.goto(`chrome-extension://${h.extensionId}/src/options/index.html`);
      const section = page.getByRole('region', { name: 'Check before sending', exact: true });
      await section.waitFor();
      expect(await section.getByText('🔒 Set by your organisation', { exact: true }).count()).toBe(1);
      const block = section.getByLabel(/Do not send to them/);
      expect([await block.isChecked(), await block.isDisabled()]).toEqual([true, true]);
      expect(await section.getByTestId('send-check-offer').count()).toBe(0);
    } finally {
      await page.close();
    }
  });
});
