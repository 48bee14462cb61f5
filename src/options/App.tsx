// A minimal options page: the DoH resolvers, and a way back to the welcome page. The full
// settings (managed by an organisation, thresholds, org domains) come with their own issue.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../shared/i18n.ts';
import { DEFAULT_RESOLVER_URLS, isResolverUrl, MAX_RESOLVERS, originPattern } from '../shared/settings.ts';
import type { Connector } from '../ui/connector.ts';

type Status = { kind: 'idle' } | { kind: 'saved' } | { kind: 'error'; message: string };

/** One URL per line; blank lines ignored. */
export function parseResolverList(text: string): { ok: true; urls: string[] } | { ok: false; message: string } {
  const urls = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (urls.length === 0) return { ok: false, message: t('options_resolvers_empty') };
  if (urls.length > MAX_RESOLVERS) return { ok: false, message: t('options_resolvers_too_many', [String(MAX_RESOLVERS)]) };
  const bad = urls.find((u) => !isResolverUrl(u));
  if (bad !== undefined) return { ok: false, message: t('options_resolvers_invalid', [bad.slice(0, 100)]) };
  return { ok: true, urls };
}

export function App({ connector }: { connector: Connector }) {
  const [text, setText] = useState('');
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  useEffect(() => {
    void connector.getSettings().then((s) => setText(s.resolverUrls.join('\n')));
  }, [connector]);

  async function save(event: Event) {
    event.preventDefault();
    const parsed = parseResolverList(text);
    if (!parsed.ok) {
      setStatus({ kind: 'error', message: parsed.message });
      return;
    }
    // A resolver outside the manifest's hosts needs its origin granted (within this click).
    const extra = parsed.urls.filter((u) => !DEFAULT_RESOLVER_URLS.some((d) => new URL(d).origin === new URL(u).origin));
    if (extra.length > 0) {
      const granted = await connector.requestOrigins([...new Set(extra.map(originPattern))]).catch(() => false);
      if (!granted) {
        setStatus({ kind: 'error', message: t('options_resolvers_permission_refused') });
        return;
      }
    }
    await connector.saveSettings({ resolverUrls: parsed.urls });
    setStatus({ kind: 'saved' });
  }

  return (
    <main class="page">
      <header class="page-header">
        <img src="/icons/app-48.png" alt="" width={48} height={48} />
        <h1>{t('options_title')}</h1>
      </header>
      <form onSubmit={(e) => void save(e)}>
        <h2>{t('options_resolvers_heading')}</h2>
        <p>{t('options_resolvers_help')}</p>
        <label for="resolvers">{t('options_resolvers_label')}</label>
        <textarea id="resolvers" aria-describedby="resolvers-status" spellcheck={false} value={text}
          onInput={(e) => { setText((e.target as HTMLTextAreaElement).value); setStatus({ kind: 'idle' }); }} />
        <div class="actions">
          <button type="submit" class="primary">{t('options_save')}</button>
          <button type="button" onClick={() => { setText(DEFAULT_RESOLVER_URLS.join('\n')); setStatus({ kind: 'idle' }); }}>
            {t('options_reset')}
          </button>
        </div>
        <div id="resolvers-status" role="status" aria-live="polite">
          {status.kind === 'saved' && <p>{t('options_saved')}</p>}
          {status.kind === 'error' && <p class="notice">{status.message}</p>}
        </div>
      </form>
      <h2>{t('options_about_heading')}</h2>
      <p>
        <button type="button" class="link" onClick={() => void connector.openWelcome()}>{t('options_open_welcome')}</button>
      </p>
    </main>
  );
}
