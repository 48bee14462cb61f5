// The extension manifest, one source for Chrome and Firefox (crxjs defineManifest).
// Variants are chosen by environment variables read by vite.config.ts:
//   INTRANSIT_BROWSER=firefox  -> background.scripts + gecko id (Firefox has no service_worker key)
//   INTRANSIT_TEST_BUILD=1     -> https://*/* becomes a required host permission, so end-to-end
//                                 tests can fetch MTA-STS policies without a person granting it.
import { readFileSync } from 'node:fs';
import { defineManifest } from '@crxjs/vite-plugin';
import pkg from './package.json' with { type: 'json' };
import { WEBMAILS, type WebmailEntry } from './src/shared/webmails.ts';

export type TargetBrowser = 'chrome' | 'firefox';

/** base64 DER SubjectPublicKeyInfo; gives the stable ID in keys/EXTENSION_ID.txt (Chrome only). */
const PUBLIC_KEY = readFileSync(new URL('./keys/extension-public-key.txt', import.meta.url), 'utf8').trim();

export const GECKO_ID = 'intransit@intransit.dev';

/** Supported webmails (src/shared/webmails.ts): where the content scripts run (DESIGN.md "Permissions"). */
export const WEBMAIL_MATCHES = WEBMAILS.flatMap((w) => w.matches);
/** The default DoH resolvers' hosts (src/shared/settings.ts DEFAULT_RESOLVER_URLS). */
export const RESOLVER_HOSTS = ['https://cloudflare-dns.com/*', 'https://dns.google/*'];
/** MTA-STS policies live at https://mta-sts.<any domain>/: only "all sites" covers them. */
export const POLICY_FETCH_ORIGINS = ['https://*/*'];

type ManifestInput = Extract<Parameters<typeof defineManifest>[0], { manifest_version: 3 }>;
type ContentScripts = NonNullable<ManifestInput['content_scripts']>;

/** One content script per webmail, each emitted as one standalone file (no loader, no web_accessible_resources). */
export const CONTENT_SCRIPTS = WEBMAILS.map((w) => w.contentScript);

/** A webmail's content_scripts entry. */
export function contentScriptEntry(w: WebmailEntry) {
  return {
    matches: [...w.matches],
    js: [w.contentScript],
    // document_start: the send-time check's window listeners must be registered before any of
    // the page's (docs/decisions.md "Send-time check"); the recipient watcher itself waits for
    // the parsed document (src/content/controller.ts).
    run_at: 'document_start',
    all_frames: w.frames.allFrames,
    // about:blank documents written by the webmail's own page (Outlook's pop-out window): by
    // the page's origin (match_origin_as_fallback: Chrome 99+, Firefox 128+), and by the
    // parent or opener for browsers that only know match_about_blank.
    ...(w.frames.aboutBlank ? { match_about_blank: true, match_origin_as_fallback: true } : {}),
  };
}

const ICON_SIZES = [16, 32, 48, 128] as const;
const appIcons = Object.fromEntries(ICON_SIZES.map((s) => [s, `icons/app-${s}.png`]));

export function makeManifest(browser: TargetBrowser, testBuild: boolean) {
  return defineManifest({
    manifest_version: 3,
    name: '__MSG_ext_name__',
    short_name: 'InTransit',
    description: '__MSG_ext_description__',
    version: pkg.version,
    default_locale: 'en',
    icons: appIcons,
    action: {
      default_icon: { 16: 'icons/app-16.png', 32: 'icons/app-32.png' },
      default_title: '__MSG_action_title_default__',
      default_popup: 'src/popup/index.html',
    },
    options_ui: { page: 'src/options/index.html', open_in_tab: true },
    background:
      browser === 'firefox'
        ? { scripts: ['src/background/main.ts'], type: 'module' }
        : { service_worker: 'src/background/main.ts', type: 'module' },
    // crxjs's manifest type predates match_origin_as_fallback; the key is passed through as is.
    content_scripts: WEBMAILS.map(contentScriptEntry) as ContentScripts,
    permissions: ['storage'],
    host_permissions: [...WEBMAIL_MATCHES, ...RESOLVER_HOSTS, ...(testBuild ? POLICY_FETCH_ORIGINS : [])],
    ...(testBuild ? {} : { optional_host_permissions: POLICY_FETCH_ORIGINS }),
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            // 140: data_collection_permissions, Firefox's built-in consent; Firefox for Android has it
            // from 142. Recipient domains typed into the webmail page leave the browser (to the DNS
            // resolver, and with permission to the domain's own policy host): that is
            // `websiteContent`, declared as required because no check works without it
            // (docs/decisions.md "Presentation": Firefox versions and data declaration).
            gecko: { id: GECKO_ID, strict_min_version: '140.0', data_collection_permissions: { required: ['websiteContent'] } },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {
          key: PUBLIC_KEY,
          // 110: action.setBadgeTextColor; 102: storage.session.
          minimum_chrome_version: '110',
          storage: { managed_schema: 'managed_schema.json' },
        }),
  });
}
