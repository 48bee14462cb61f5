/// <reference types="vitest/config" />
// Builds the extension with crxjs + Preact.
//   vite build                            -> dist/chrome
//   INTRANSIT_BROWSER=firefox vite build  -> dist/firefox
//   INTRANSIT_TEST_BUILD=1 vite build     -> dist/chrome-test (https://*/* required, for e2e)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import preact from '@preact/preset-vite';
import { crx } from '@crxjs/vite-plugin';
import { CONTENT_SCRIPTS, makeManifest, type TargetBrowser } from './manifest.config.ts';
import { mergeLocaleFragments, type LocaleFragment } from './src/shared/locale-bundle.ts';
import { stripSelectorNotes } from './scripts/selector-notes.ts';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

const browser: TargetBrowser = process.env.INTRANSIT_BROWSER === 'firefox' ? 'firefox' : 'chrome';
const testBuild = process.env.INTRANSIT_TEST_BUILD === '1';
if (testBuild && browser === 'firefox') throw new Error('INTRANSIT_TEST_BUILD is for the Chrome build only.');
const outDir = `dist/${browser}${testBuild ? '-test' : ''}`;

/** Every src/<area>/locale/en.json, in a stable order. */
export function readLocaleFragments(root = ROOT): LocaleFragment[] {
  const src = join(root, 'src');
  return readdirSync(src, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(src, d.name, 'locale', 'en.json'))
    .filter((file) => existsSync(file))
    .sort()
    .map((file) => ({ file: relative(root, file), messages: JSON.parse(readFileSync(file, 'utf8')) as unknown }));
}

/**
 * Each part of the extension owns its strings in src/<area>/locale/en.json (Chrome messages.json
 * format); this writes their union as _locales/en/messages.json and fails the build when two
 * fragments define the same key (one of them would silently win otherwise).
 */
function localeBundle(): Plugin {
  return {
    name: 'intransit:locale-bundle',
    apply: 'build',
    buildStart() {
      for (const f of readLocaleFragments()) this.addWatchFile(join(ROOT, f.file));
    },
    generateBundle() {
      const merged = mergeLocaleFragments(readLocaleFragments());
      if (!merged.ok) this.error(`Locale fragments: ${merged.errors.join('; ')}`);
      else this.emitFile({ type: 'asset', fileName: '_locales/en/messages.json', source: `${JSON.stringify(merged.messages, null, 2)}\n` });
    },
  };
}

/** Drops the selectors' `source` and `era` notes from the built content scripts (scripts/selector-notes.ts).
 *  Runs after crxjs, which emits each content script as an asset in its own generateBundle. */
function selectorNotes(): Plugin {
  const built = new Set(CONTENT_SCRIPTS.map((s) => s.replace(/\.ts$/, '.js')));
  return {
    name: 'intransit:selector-notes',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const [fileName, output] of Object.entries(bundle)) {
        if (built.has(fileName) && output.type === 'asset' && typeof output.source === 'string') output.source = stripSelectorNotes(output.source, fileName);
      }
    },
  };
}

for (const script of CONTENT_SCRIPTS) {
  if (!existsSync(join(ROOT, script))) throw new Error(`InTransit build: the content script ${script} is missing (src/shared/webmails.ts names it).`);
}

export default defineConfig({
  plugins: [
    preact(),
    crx({
      manifest: makeManifest(browser, testBuild),
      browser,
      // One self-contained script per webmail: no loader, so no web_accessible_resources a page could probe.
      contentScripts: { standaloneFiles: CONTENT_SCRIPTS },
    }),
    localeBundle(),
    selectorNotes(),
  ],
  build: {
    outDir,
    emptyOutDir: true,
    target: browser === 'firefox' ? 'firefox140' : 'chrome110',
    // Extension pages are loaded from the package; no module preload polyfill needed.
    modulePreload: { polyfill: false },
    sourcemap: false,
    rolldownOptions: {
      // The welcome page is not named by the manifest (it is opened on install).
      input: { welcome: 'src/welcome/index.html' },
    },
  },
});
