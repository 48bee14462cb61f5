// Screenshots of what a person sees, taken in real Chromium with the built extension through the
// end-to-end harness (helpers.ts): the inline badge in each state (green, calm, warning, danger,
// could not check, "policy not checked — allow", the details opened above a docked compose), the
// popup and the welcome page, each light and dark. Not a test: a tool for the store listing and
// for looking at the product.
//
//   npm run build && npm run build:test
//   flock /tmp/intransit-net.lock npx tsx test/e2e/screenshots.ts /work/screens
//
// Binds port 443 on 127.0.0.51 and .52 (needs root, like the e2e tests).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import {
  CHROME_BUILD, CHROME_TEST_BUILD, inBadgeRoot, openGmail, openPopup, startHarness, typeRecipient, type GmailPage, type Harness,
} from './helpers.ts';

const OUT = resolve(process.argv[2] ?? 'screens');
type Scheme = 'light' | 'dark';
const SCHEMES: Scheme[] = ['light', 'dark'];

/** A dark Gmail-like page (the fixture app is light only); the badge follows the page around it. */
const DARK_PAGE = `
  body, .app-main { background: #1f1f1f !important; color: #e3e3e3 !important; }
  .nH.Hd { background: #2d2e30 !important; border-color: #444 !important; }
  .Hm { background: #3c4043 !important; color: #e3e3e3 !important; }
  .GS td, .aoD.az6 { border-color: #444 !important; color: #e3e3e3 !important; }
  .afV { background: #3c4043 !important; border-color: #5f6368 !important; color: #e3e3e3 !important; }
  .agP, .aoT, .Am { background: transparent !important; color: #e3e3e3 !important; }
`;

async function darken(g: GmailPage): Promise<void> {
  await g.page.addStyleTag({ content: DARK_PAGE });
}

/** The compose window with its badge (and, when open, the details panel above it). */
async function shootCompose(g: GmailPage, composeId: string, file: string, extraTop = 0): Promise<void> {
  const compose = g.page.getByTestId(`compose-${composeId}`);
  const box = await compose.boundingBox();
  if (!box) throw new Error(`no compose ${composeId}`);
  const top = Math.max(0, box.y - extraTop);
  await g.page.screenshot({ path: join(OUT, file), clip: { x: box.x - 8, y: top, width: box.width + 16, height: Math.min(box.y + box.height, 1000) - top } });
  console.log(join(OUT, file));
}

async function withScheme(page: Page, scheme: Scheme): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
}

/** Reopens the Gmail-like page so every badge mounts again against the page's (light or dark) background. */
async function gmailIn(h: Harness, scheme: Scheme, composes: number): Promise<GmailPage> {
  const g = await openGmail(h, `composes=${composes}`);
  await withScheme(g.page, scheme);
  if (scheme === 'dark') {
    // The badges mount before the style: mount them again by reloading with the style injected first.
    await g.page.addInitScript(`document.addEventListener('DOMContentLoaded', () => { const s = document.createElement('style'); s.textContent = ${JSON.stringify(DARK_PAGE)}; document.head.append(s); });`);
    await g.page.reload();
    await g.page.locator('html[data-app-ready="true"]').waitFor({ state: 'attached' });
    for (let i = 1; i <= composes; i++) await g.page.locator(`[data-testid="compose-${i}"] [data-intransit="badge"]`).waitFor({ state: 'attached' });
  }
  return g;
}

async function waitForBadge(g: GmailPage, composeId: string, level: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const now = await inBadgeRoot<string | null>(g, composeId, 'function () { return this.querySelector(".badge").getAttribute("data-level"); }');
    if (now === level) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`compose ${composeId} never showed ${level}`);
}

async function testBuild(): Promise<void> {
  const h = await startHarness({ loopback: 51, extensionDir: CHROME_TEST_BUILD });
  try {
    for (const scheme of SCHEMES) {
      const g = await gmailIn(h, scheme, 4);
      if (scheme === 'dark') await darken(g);
      const steps: [string, string[], string, string][] = [
        ['1', ['ann@enforce.test'], 'protected', 'green'],
        ['2', ['ben@testing.test', 'ivy@testing.test'], 'encrypted', 'calm'],
        ['3', ['cat@plain.test', 'ann@enforce.test'], 'unverified', 'warning'],
        ['4', ['fay@[192.0.2.1]'], 'unknown', 'could-not-check'],
      ];
      for (const [id, addresses, level, name] of steps) {
        await g.page.getByTestId(`to-input-${id}`).focus();
        for (const a of addresses) await typeRecipient(g, id, a);
        await waitForBadge(g, id, level);
        await g.page.mouse.move(0, 0);
        await shootCompose(g, id, `badge-${name}-${scheme}.png`);
      }
      // Danger, several problems, the details opened above the docked compose.
      await g.page.getByTestId('to-input-3').focus();
      await typeRecipient(g, '3', 'dan@mismatch.test');
      await typeRecipient(g, '3', 'eve@nullmx.test');
      await waitForBadge(g, '3', 'undeliverable');
      await shootCompose(g, '3', `badge-danger-${scheme}.png`);
      await inBadgeRoot(g, '3', 'function () { this.querySelector("button.toggle").click(); }');
      await shootCompose(g, '3', `badge-details-open-${scheme}.png`, 280);
      await inBadgeRoot(g, '3', 'function () { this.querySelector("button.toggle").click(); }');

      const popup = await openPopup(h, g);
      await withScheme(popup, scheme);
      await popup.setViewportSize({ width: 380, height: 600 });
      await popup.screenshot({ path: join(OUT, `popup-${scheme}.png`), fullPage: true });
      console.log(join(OUT, `popup-${scheme}.png`));
      await popup.getByRole('button', { name: 'Details for eve@nullmx.test' }).click();
      await popup.getByRole('button', { name: 'What the symbols mean' }).click();
      await popup.screenshot({ path: join(OUT, `popup-details-legend-${scheme}.png`), fullPage: true });
      console.log(join(OUT, `popup-details-legend-${scheme}.png`));
      await popup.close();
      await g.close();
    }
  } finally {
    await h.close();
  }
}

async function shippedBuild(): Promise<void> {
  const h = await startHarness({ loopback: 52, extensionDir: CHROME_BUILD });
  try {
    for (const scheme of SCHEMES) {
      const g = await gmailIn(h, scheme, 1);
      if (scheme === 'dark') await darken(g);
      await g.page.getByTestId('to-input-1').focus();
      await typeRecipient(g, '1', 'ann@enforce.test');
      await waitForBadge(g, '1', 'encrypted');
      await g.page.mouse.move(0, 0);
      await shootCompose(g, '1', `badge-policy-not-checked-allow-${scheme}.png`);
      const popup = await openPopup(h, g);
      await withScheme(popup, scheme);
      await popup.setViewportSize({ width: 380, height: 600 });
      await popup.screenshot({ path: join(OUT, `popup-policy-not-checked-${scheme}.png`), fullPage: true });
      console.log(join(OUT, `popup-policy-not-checked-${scheme}.png`));
      await popup.close();
      await g.close();

      const welcome = await h.browser.context.newPage();
      await welcome.setViewportSize({ width: 900, height: 900 });
      await withScheme(welcome, scheme);
      await welcome.goto(`chrome-extension://${h.extensionId}/src/welcome/index.html`);
      await welcome.getByRole('button', { name: 'Allow policy checks' }).waitFor();
      await welcome.screenshot({ path: join(OUT, `welcome-${scheme}.png`), fullPage: true });
      console.log(join(OUT, `welcome-${scheme}.png`));
      await welcome.close();
    }
  } finally {
    await h.close();
  }
}

mkdirSync(OUT, { recursive: true });
await testBuild();
await shippedBuild();
