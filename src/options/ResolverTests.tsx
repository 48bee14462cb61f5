// Results of the options page's "test resolvers": per URL, whether it answered, how fast, and
// whether it validates DNSSEC (without that, DANE can never make a recipient "protected").
import { t } from '../shared/i18n.ts';
import type { ResolverTestResult } from '../ui/resolver-test.ts';

export type TestState =
  | { kind: 'running' }
  | { kind: 'not-permitted' }
  | { kind: 'done'; result: ResolverTestResult };

function describe(state: TestState): { text: string; ok: boolean | null } {
  if (state.kind === 'running') return { text: t('options_test_running'), ok: null };
  if (state.kind === 'not-permitted') return { text: t('options_test_not_permitted'), ok: false };
  const r = state.result;
  if (!r.ok) return { text: t('options_test_failed', [r.error]), ok: false };
  return {
    text: r.dnssecValidated ? t('options_test_ok_dnssec', [String(r.elapsedMs)]) : t('options_test_ok_no_dnssec', [String(r.elapsedMs)]),
    ok: r.dnssecValidated,
  };
}

export function ResolverTests({ tests }: { tests: Record<string, TestState> }) {
  const entries = Object.entries(tests);
  if (entries.length === 0) return null;
  return (
    <ul class="plain resolver-tests" aria-live="polite">
      {entries.map(([url, state]) => {
        const { text, ok } = describe(state);
        return (
          <li key={url} data-result={ok === null ? 'running' : ok ? 'ok' : 'problem'}>
            <span class="mono">{url}</span>: {ok === true ? '✓ ' : ok === false ? '⚠ ' : ''}{text}
          </li>
        );
      })}
    </ul>
  );
}
